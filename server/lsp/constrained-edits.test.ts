// Edit selection through the LSP server on the demo model (random weights): with constrained decoding the answer
// is a SEARCH/REPLACE block inside the selection, so the server returns a WorkspaceEdit touching only those lines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { TextDocumentEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { makeDemoModel } from '../engine/demo-model';
import { assertOnlyRegionChanged } from '../edit/constrained/testSupport';
import { Commands, EditCommandResult, ErrorCodes } from '../protocol';
import type { Backend } from '../backends/api';
import { constrainedEdit, constrainedNote } from './edits';

let tmp: string;
let modelDir: string;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dsl-cedits-'));
  modelDir = path.join(tmp, 'model');
  await makeDemoModel(modelDir);
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('constrainedEdit: only for the local backend, the setting on, and format auto or search-replace', () => {
  // only `kind` is read: what kind of backend is configured
  const local = { kind: 'local' } as Backend;
  const file = { path: 'a.py', text: 'x = 1\n}\n}\n' };
  assert.equal(typeof constrainedEdit(local, true, 'auto', file), 'function');
  assert.equal(typeof constrainedEdit(local, true, 'search-replace', file, { startLine: 1, endLine: 1 }), 'function');
  assert.equal(constrainedEdit({ kind: 'openai' } as Backend, true, 'auto', file), undefined);
  assert.equal(constrainedEdit(local, false, 'auto', file), undefined);
  assert.equal(constrainedEdit(local, true, 'whole', file), undefined);
  assert.equal(constrainedEdit(local, true, 'udiff', file), undefined);
  // line 2 alone ("}") is not unique in the file: nothing there can be quoted, the request runs unconstrained
  assert.equal(constrainedEdit(local, true, 'auto', file, { startLine: 2, endLine: 2 }), undefined);
  assert.match(constrainedNote({ startLine: 3, endLine: 9 }), /lines 3-9/);
});

const ORIGINAL = [
  'import math',
  '',
  '',
  'def area(r):',
  '    return math.pi * r * r',
  '',
  '',
  'def circumference(r):',
  '    return 2 * math.pi * r',
  '',
  '',
  'def volume(r):',
  '    return 4 / 3 * math.pi * r ** 3',
  '',
].join('\n');

test('Edit selection on the demo model returns an edit that changes only lines of the selection', { timeout: 120_000 }, async (t) => {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../cli.ts'), 'lsp', '--stdio', '--model', modelDir]);
  proc.stderr.resume();
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const ready = new Promise<void>((resolve) => conn.onNotification('deepseek/status', (s: { state: string }) => { if (s.state === 'ready') resolve(); }));
  conn.onNotification('window/logMessage', () => undefined);
  conn.listen();
  const uri = pathToFileURL(path.join(tmp, 'geometry.py')).toString();
  try {
    await conn.sendRequest('initialize', { processId: null, rootUri: pathToFileURL(tmp).toString(), capabilities: {}, workspaceFolders: [{ uri: pathToFileURL(tmp).toString(), name: 't' }] });
    await conn.sendNotification('initialized', {});
    await ready;
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: ORIGINAL } });
    // lines 8-9 (1-based): the circumference function
    const selection = { start: { line: 7, character: 0 }, end: { line: 9, character: 0 } };
    const request = (extra: object) => conn.sendRequest<EditCommandResult>('workspace/executeCommand', {
      command: Commands.editSelection,
      arguments: [{ uri, version: 1, instruction: 'Add a docstring.', range: selection, maxTokens: 64, ...extra }],
    });

    await t.test('constrained (the default for the local backend): a versioned edit inside the selection', async () => {
      for (const temperature of [0, 1]) {
        const r = await request({ temperature });
        assert.equal(r.format, 'search-replace');
        assert.match(r.answer, /^<<<<<<< SEARCH\n/);
        const change = r.edit.documentChanges![0] as TextDocumentEdit;
        assert.deepEqual(change.textDocument, { uri, version: 1 });
        const edited = TextDocument.applyEdits(TextDocument.create(uri, 'python', 1, ORIGINAL), change.edits as never);
        assertOnlyRegionChanged(ORIGINAL, edited, { startLine: 8, endLine: 9 }, `temperature ${temperature}`);
      }
    });

    await t.test('with constrainedEdits off the same request gets the random model\'s noise, which does not apply', async () => {
      await conn.sendNotification('deepseek/configure', { constrainedEdits: false });
      const err = await request({ format: 'search-replace' }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof ResponseError, String(err));
      assert.equal(err.code, ErrorCodes.EditFailed);
    });
  } finally {
    await conn.sendRequest('shutdown').catch(() => undefined);
    await conn.sendNotification('exit').catch(() => undefined);
    await new Promise((r) => { const timer = setTimeout(() => { proc.kill(); r(undefined); }, 3000); proc.once('exit', () => { clearTimeout(timer); r(undefined); }); });
    conn.dispose();
  }
});
