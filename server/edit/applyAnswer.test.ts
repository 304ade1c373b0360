// applyModelAnswer end to end: formats, line endings, tabs, non-ASCII, new/deleted files, path escapes, all-or-nothing.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyModelAnswer, applyTextEdits, type ApplyResult, type FileChange } from './index';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'edit-apply-'));
const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'edit-outside-'));
after(() => { fs.rmSync(root, { recursive: true, force: true }); fs.rmSync(outside, { recursive: true, force: true }); });
const at = (rel: string) => path.join(root, rel);
const sr = (file: string, search: string, replace: string) => `${file}\n\`\`\`\n<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE\n\`\`\`\n`;

function changes(r: ApplyResult): FileChange[] {
  if (!r.ok) assert.fail(`expected success, got: ${r.error}`);
  return r.changes;
}

test('CRLF file: edited lines get CRLF, untouched lines and the final newline are kept, edits are minimal', () => {
  const text = 'one\r\ntwo\r\nthree\r\nfour\r\n';
  const [c] = changes(applyModelAnswer(sr('a.txt', 'two\nthree', 'two\n2.5\nthree'), [{ path: at('a.txt'), text }], { format: 'search-replace', root }));
  assert.equal(c.newText, 'one\r\ntwo\r\n2.5\r\nthree\r\nfour\r\n');
  assert.deepEqual(c.edits, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, newText: '2.5\r\n' }]);
  assert.equal(applyTextEdits(text, c.edits), c.newText);
});

test('no final newline stays without one; editing the last line works', () => {
  const text = 'a\nb\nlast';
  const [c] = changes(applyModelAnswer(sr('a.txt', 'last', 'LAST'), [{ path: at('a.txt'), text }], { format: 'auto', root }));
  assert.equal(c.newText, 'a\nb\nLAST');
  assert.equal(applyTextEdits(text, c.edits), c.newText);
});

test('tabs and non-ASCII text survive a whole-file rewrite with minimal edits', () => {
  const text = 'package main\n\nfunc hé() string {\n\treturn "naïve ☃ 日本"\n}\n';
  const answer = 'main.go\n```go\npackage main\n\nfunc hé() string {\n\treturn "naïve ☃ 日本 ✓"\n}\n```\n';
  const [c] = changes(applyModelAnswer(answer, [{ path: at('main.go'), text }], { format: 'auto', root }));
  assert.equal(c.newText, 'package main\n\nfunc hé() string {\n\treturn "naïve ☃ 日本 ✓"\n}\n');
  assert.equal(c.edits.length, 1);
  assert.equal(c.edits[0].range.start.line, 3);
  assert.deepEqual(c.matches, [{ block: 1, strategy: 'exact' }]);
});

test('udiff with wrong line numbers, hunks out of order, and a blank context line without its space', () => {
  const text = ['def a():', '    return 1', '', '', 'def b():', '    return 2', '', 'def c():', '    return 3', ''].join('\n');
  const answer = [
    '```diff', '--- a/m.py', '+++ b/m.py',
    '@@ -40,3 +40,3 @@', ' def c():', '-    return 3', '+    return 30', '',
    '@@ -1,4 +1,4 @@', ' def a():', '-    return 1', '+    return 10', '', '```',
  ].join('\n');
  const [c] = changes(applyModelAnswer(answer, [{ path: at('m.py'), text }], { format: 'udiff', root }));
  assert.equal(c.newText, text.replace('return 1\n', 'return 10\n').replace('return 3', 'return 30'));
});

test('several blocks for one file apply in order; one bad block changes nothing and names itself', () => {
  const text = 'alpha\nbeta\ngamma\n';
  const good = sr('g.txt', 'alpha', 'ALPHA') + sr('g.txt', 'gamma', 'GAMMA');
  const [c] = changes(applyModelAnswer(good, [{ path: at('g.txt'), text }], { format: 'auto', root }));
  assert.equal(c.newText, 'ALPHA\nbeta\nGAMMA\n');
  const bad = sr('g.txt', 'alpha', 'ALPHA') + sr('g.txt', 'delta epsilon', 'X');
  const r = applyModelAnswer(bad, [{ path: at('g.txt'), text }], { format: 'auto', root });
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.block === 2 && r.path === at('g.txt'));
  assert.match(!r.ok ? r.error : '', /block 2/);
  assert.equal(typeof (!r.ok && r.closest), 'string');
});

test('new files (empty SEARCH, /dev/null diff, whole) and deletions', () => {
  const created = changes(applyModelAnswer(sr('src/new.ts', '', 'export const x = 1;'), [], { format: 'auto', root }));
  assert.deepEqual(created.map((c) => [c.kind, c.path, c.newText]), [['create', at('src/new.ts'), 'export const x = 1;\n']]);
  const viaDiff = changes(applyModelAnswer('--- /dev/null\n+++ b/n.py\n@@ -0,0 +1,2 @@\n+x = 1\n+y = 2\n', [], { format: 'auto', root }));
  assert.equal(viaDiff[0].kind, 'create');
  assert.equal(viaDiff[0].newText, 'x = 1\ny = 2\n');
  const del = changes(applyModelAnswer('--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n', [{ path: at('old.txt'), text: 'bye\n' }], { format: 'udiff', root }));
  assert.deepEqual(del.map((c) => [c.kind, c.newText]), [['delete', null]]);
  const delLine = changes(applyModelAnswer('DELETE old.txt\n', [{ path: at('old.txt'), text: 'bye\n' }], { format: 'whole', root }));
  assert.equal(delLine[0].kind, 'delete');
  const missing = applyModelAnswer(sr('nope.txt', 'x', 'y'), [], { format: 'auto', root });
  assert.match(!missing.ok ? missing.error : 'applied', /file not found/);
});

test('paths outside the root are refused: absolute elsewhere, "..", and a symlink pointing out', () => {
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret\n');
  fs.symlinkSync(outside, at('link'));
  for (const p of [path.join(outside, 'secret.txt'), '../secret.txt', 'link/secret.txt', 'link/new.txt']) {
    const r = applyModelAnswer(sr(p, '', 'pwned'), [], { format: 'auto', root });
    assert.equal(r.ok, false, p);
    assert.match(!r.ok ? r.error : '', /outside the workspace root/, p);
  }
  // A given file outside the root is refused too.
  const r = applyModelAnswer(sr('x', 'secret', 'y'), [{ path: path.join(outside, 'secret.txt'), text: 'secret\n' }], { format: 'auto', root, defaultPath: path.join(outside, 'secret.txt') });
  assert.match(!r.ok ? r.error : 'applied', /outside the workspace root/);
  assert.equal(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'secret\n');
});

test('an answer that names no file edits defaultPath; with several files and no default it is an error', () => {
  const files = [{ path: at('p.txt'), text: 'p\n' }, { path: at('q.txt'), text: 'q\n' }];
  const answer = '<<<<<<< SEARCH\nq\n=======\nQ\n>>>>>>> REPLACE\n';
  assert.equal(changes(applyModelAnswer(answer, files, { format: 'auto', root, defaultPath: at('q.txt') }))[0].newText, 'Q\n');
  const r = applyModelAnswer(answer, files, { format: 'auto', root });
  assert.ok(!r.ok && /does not say which file/.test(r.error));
});

test('a path the model shortened resolves to the one given file ending with it', () => {
  const [c] = changes(applyModelAnswer(sr('util.go', 'a', 'b'), [{ path: at('pkg/deep/util.go'), text: 'a\n' }], { format: 'auto', root }));
  assert.equal(c.path, at('pkg/deep/util.go'));
});

test('an answer without any edit is a clear error', () => {
  const r = applyModelAnswer('I think the code is fine as it is.', [{ path: at('a.txt'), text: 'a\n' }], { format: 'auto', root });
  assert.ok(!r.ok && /no edit/.test(r.error));
});

test('a whole-file answer that is only an excerpt of a long file is refused, not written', () => {
  const text = Array.from({ length: 60 }, (_, i) => `line ${i}`).join('\n') + '\n';
  const r = applyModelAnswer('long.txt\n```\nline 10\nline 11 changed\n```\n', [{ path: at('long.txt'), text }], { format: 'whole', root });
  assert.ok(!r.ok && /looks like an excerpt/.test(r.error));
});
