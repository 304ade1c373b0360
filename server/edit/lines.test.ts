// Line documents keep every line's own ending and the file's final-newline state through edits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromLineDoc, spliceLines, toLineDoc } from './lines';

test('round-trips LF, CRLF, mixed endings and a missing final newline', () => {
  for (const t of ['', 'a', 'a\n', 'a\r\nb\r\n', 'a\nb\r\nc', '\n\n']) assert.equal(fromLineDoc(toLineDoc(t)), t);
  assert.equal(toLineDoc('a\r\nb\r\nc\n').eol, '\r\n');
  assert.equal(toLineDoc('a\nb\r\nc\n').eol, '\n');
});

test('splicing: new lines take the dominant ending, untouched lines keep theirs, the last line keeps its state', () => {
  const doc = toLineDoc('a\r\nb\nc\r\nd');
  spliceLines(doc, 1, 2, ['B', 'B2']);
  assert.equal(fromLineDoc(doc), 'a\r\nB\r\nB2\r\nc\r\nd');
  spliceLines(doc, 4, 5, ['D', 'E']);
  assert.equal(fromLineDoc(doc), 'a\r\nB\r\nB2\r\nc\r\nD\r\nE');
  spliceLines(doc, 3, 6, []);
  assert.equal(fromLineDoc(doc), 'a\r\nB\r\nB2');
  const lf = toLineDoc('x\ny\n');
  spliceLines(lf, 2, 2, ['z']);
  assert.equal(fromLineDoc(lf), 'x\ny\nz\n');
});
