// Minimal TextEdits: unchanged lines are never part of an edit, and the edits reproduce the new text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTextEdits, minimalEdits } from './textEdits';

test('one changed line in the middle is one single-line edit', () => {
  const oldText = 'a\nb\nc\nd\n';
  const edits = minimalEdits(oldText, 'a\nB\nc\nd\n');
  assert.deepEqual(edits, [{ range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, newText: 'B\n' }]);
});

test('insertions, deletions, end of file without newline, and non-ASCII (UTF-16 columns)', () => {
  const cases: Array<[string, string]> = [
    ['a\nb\n', 'a\nx\nb\n'],
    ['a\nb\nc\n', 'a\nc\n'],
    ['a\n😀 end', 'a\n😀 END'],
    ['x\r\ny\r\n', 'x\r\nz\r\ny\r\n'],
    ['', 'new\n'],
    ['gone\n', ''],
    ['same\n', 'same\n'],
  ];
  for (const [o, n] of cases) {
    const edits = minimalEdits(o, n);
    assert.equal(applyTextEdits(o, edits), n, JSON.stringify([o, n]));
  }
  assert.deepEqual(minimalEdits('a\n😀 end', 'a\n😀 END')[0].range, { start: { line: 1, character: 0 }, end: { line: 1, character: 6 } });
  assert.deepEqual(minimalEdits('same\n', 'same\n'), []);
});
