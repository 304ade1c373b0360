import { test } from 'node:test';
import assert from 'node:assert/strict';
import { remainingSuggestion, rememberSuggestion, textFromCursor } from './suggestionReuse';

/** A tiny mutable document: the reader always sees its current text. */
function doc(initial: string) {
  const d = { text: initial, read: (s: number, e: number) => d.text.slice(Math.max(0, s), e) };
  return d;
}

test('typing the predicted text keeps showing the rest of the suggestion', () => {
  const d = doc('function add(a, b) {\n  ');
  const shown = rememberSuggestion('file:///a.ts', d.read, d.text.length, 'return a + b;');
  d.text += 'ret';
  assert.equal(remainingSuggestion(shown, 'file:///a.ts', d.read, d.text.length), 'urn a + b;');
  d.text += 'urn a';
  assert.equal(remainingSuggestion(shown, 'file:///a.ts', d.read, d.text.length), ' + b;');
});

test('the same position right after showing gives the whole suggestion', () => {
  const d = doc('x = ');
  const shown = rememberSuggestion('u', d.read, 4, '42');
  assert.equal(remainingSuggestion(shown, 'u', d.read, 4), '42');
});

test('typing something else, or finishing it, drops the suggestion', () => {
  const d = doc('let x = ');
  const shown = rememberSuggestion('u', d.read, d.text.length, 'foo()');
  d.text += 'fa';
  assert.equal(remainingSuggestion(shown, 'u', d.read, d.text.length), undefined);
  d.text = 'let x = foo()';
  assert.equal(remainingSuggestion(shown, 'u', d.read, d.text.length), undefined);
});

test('an edit before the anchor, another document, or moving left invalidates it', () => {
  const d = doc('const value = ');
  const shown = rememberSuggestion('u', d.read, d.text.length, 'compute();');
  assert.equal(remainingSuggestion(shown, 'other', d.read, d.text.length), undefined);
  assert.equal(remainingSuggestion(shown, 'u', d.read, d.text.length - 1), undefined);
  d.text = 'const valeu = ';
  assert.equal(remainingSuggestion(shown, 'u', d.read, d.text.length), undefined);
  assert.equal(remainingSuggestion(undefined, 'u', d.read, 3), undefined);
});

test('textFromCursor strips the already-typed part of a range that starts before the cursor', () => {
  assert.equal(textFromCursor('return a + b;', 'ret'), 'urn a + b;');
  assert.equal(textFromCursor('return a + b;', 'x'), undefined);
});
