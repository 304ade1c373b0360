import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Workspace } from './workspace';

test('paths: file URIs become paths relative to the innermost workspace folder', () => {
  const ws = new Workspace(new TextDocuments(TextDocument));
  ws.roots = ['/w', '/w/sub'];
  assert.equal(Workspace.fsPath('file:///w/a%20b.py'), path.normalize('/w/a b.py'));
  assert.equal(Workspace.fsPath('untitled:Untitled-1'), 'untitled:Untitled-1');
  assert.equal(ws.rootOf('/w/sub/x.ts'), '/w/sub');
  assert.equal(ws.rootOf('/elsewhere/y.ts'), '/elsewhere');
  assert.equal(ws.rootOf('/w2/z.ts'), '/w2', 'a folder sharing a name prefix is not inside');
  assert.equal(ws.displayPath('file:///w/src/m.py'), 'src/m.py');
  assert.equal(ws.displayPath('untitled:Untitled-1'), 'untitled:Untitled-1');
});

test('require names the document that is not open', () => {
  const ws = new Workspace(new TextDocuments(TextDocument));
  assert.throws(() => ws.require('file:///nope.py'), /file:\/\/\/nope\.py is not open/);
  assert.throws(() => ws.require(5), /'uri' must be a document URI/);
});
