// Parsing the three answer formats as models actually write them, and auto-detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectFormat, parseAnswer } from './parse';
import { pathFromFenceInfo, pathFromLine } from './markup';

test('search/replace: fenced or bare, path lines carry over to following blocks, CRLF answers', () => {
  const answer = [
    'Here is the fix:', '', '**src/a.ts**', '```ts', '<<<<<<< SEARCH', 'old1', '=======', 'new1', '>>>>>>> REPLACE', '```', '',
    '<<<<<<< SEARCH', 'old2', '=======', '>>>>>>> REPLACE', '', 'lib/b.py', '<<<<<<< SEARCH', '=======', 'x = 1', '>>>>>>> REPLACE',
  ].join('\r\n');
  const { format, ops } = parseAnswer(answer, 'auto');
  assert.equal(format, 'search-replace');
  assert.deepEqual(ops, [
    { type: 'replace', block: 1, path: 'src/a.ts', search: ['old1'], replace: ['new1'] },
    { type: 'replace', block: 2, path: 'src/a.ts', search: ['old2'], replace: [] },
    { type: 'replace', block: 3, path: 'lib/b.py', search: [], replace: ['x = 1'] },
  ]);
});

test('search/replace: an unterminated block is an error naming the block', () => {
  assert.throws(() => parseAnswer('<<<<<<< SEARCH\na\n=======\nb\n', 'search-replace'), /block 1: ">>>>>>> REPLACE" missing/);
  assert.throws(() => parseAnswer('<<<<<<< SEARCH\na\n', 'search-replace'), /block 1: unterminated SEARCH/);
});

test('udiff: headers with a/ b/ prefixes and timestamps, hunks with and without numbers', () => {
  const answer = [
    'diff --git a/x.go b/x.go', 'index 123..456 100644', '--- a/x.go\t2024-01-01', '+++ b/x.go\t2024-01-02',
    '@@ -3,2 +3,3 @@ func main() {', ' a', '+b', ' c', '@@ @@', '-d', '+e', '\\ No newline at end of file',
  ].join('\n');
  const { format, ops } = parseAnswer(answer, 'auto');
  assert.equal(format, 'udiff');
  assert.deepEqual(ops, [
    { type: 'replace', block: 1, path: 'x.go', search: ['a', 'c'], replace: ['a', 'b', 'c'], hint: 2 },
    { type: 'replace', block: 2, path: 'x.go', search: ['d'], replace: ['e'], hint: undefined },
  ]);
});

test('udiff: hunks without headers take the path from a line before the fence', () => {
  const { ops } = parseAnswer('src/app.js\n```diff\n@@ -1 +1 @@\n-a\n+b\n```\n', 'udiff');
  assert.deepEqual(ops, [{ type: 'replace', block: 1, path: 'src/app.js', search: ['a'], replace: ['b'], hint: 0 }]);
});

test('whole: path in fence info or on the line before; nested fences with info strings stay inside', () => {
  const answer = 'README.md\n```markdown\n# T\n```js\nx()\n```\nend\n```\n\n```py title=tools/run.py\nprint(1)\n```';
  const { format, ops } = parseAnswer(answer, 'auto');
  assert.equal(format, 'whole');
  assert.deepEqual(ops, [
    { type: 'whole', block: 1, path: 'README.md', lines: ['# T', '```js', 'x()', '```', 'end'] },
    { type: 'whole', block: 2, path: 'tools/run.py', lines: ['print(1)'] },
  ]);
  assert.throws(() => parseAnswer('```ts\nnever closed', 'whole'), /never closed/);
});

test('detection and refusal of answers without edits', () => {
  assert.equal(detectFormat('<<<<<<< SEARCH\n=======\n>>>>>>> REPLACE'), 'search-replace');
  assert.equal(detectFormat('--- a/x\n+++ b/x\n'), 'udiff');
  assert.equal(detectFormat('```\ncode\n```'), 'whole');
  assert.equal(detectFormat('just words'), undefined);
  assert.throws(() => parseAnswer('just words', 'auto'), /no edit/);
});

test('file-name lines: paths recognised, prose not', () => {
  assert.equal(pathFromLine('### `src/edit/index.ts`:'), 'src/edit/index.ts');
  assert.equal(pathFromLine('File: lib/x.py'), 'lib/x.py');
  assert.equal(pathFromLine('Done.'), undefined);
  assert.equal(pathFromLine('Here is the change:'), undefined);
  assert.equal(pathFromLine('https://example.com/a.js'), undefined);
  assert.equal(pathFromFenceInfo('go:uuid.go'), 'uuid.go');
  assert.equal(pathFromFenceInfo('python'), undefined);
});
