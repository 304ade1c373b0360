// The byte-level alphabet: a bijection between bytes and the characters tokenizer.json writes them as.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BYTE_TO_CHAR, tokenBytes } from './byteLevel';

test('every byte has its own single character, printable ASCII stands for itself', () => {
  assert.equal(new Set(BYTE_TO_CHAR).size, 256);
  for (const ch of BYTE_TO_CHAR) assert.equal(ch.length, 1);
  assert.equal(BYTE_TO_CHAR[0x41], 'A');
  assert.equal(BYTE_TO_CHAR[0x20], 'Ġ'); // GPT-2's space
  assert.equal(BYTE_TO_CHAR[0x0a], 'Ċ'); // and newline
});

test('token strings map back to bytes; tokens outside the alphabet are their own UTF-8', () => {
  assert.deepEqual([...tokenBytes('Ġhello')], [0x20, ...Buffer.from('hello')]);
  const all = BYTE_TO_CHAR.join('');
  assert.deepEqual([...tokenBytes(all)], Array.from({ length: 256 }, (_, b) => b));
  assert.deepEqual(tokenBytes('<｜User｜>'), new Uint8Array(Buffer.from('<｜User｜>', 'utf8')));
});
