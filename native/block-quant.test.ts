import { test } from 'node:test';
import assert from 'node:assert/strict';
import { weightRowBytes, type Weight } from './api';
import { blockQuantCode, blockQuantScale, packBlockQuantRow, unpackBlockQuantRow } from './block-quant';

// 20 blocks: a full group of 16 and a last group of 4.
const COLS = 20 * 32;
const codesOf = (q4: boolean) => Int8Array.from({ length: COLS }, (_, k) => (q4 ? ((k * 7) % 16) - 8 : ((k * 37) % 255) - 127));
const scalesOf = () => Float32Array.from({ length: COLS / 32 }, (_, b) => 0.5 + b / 8);

test('q8_0 layout: scales, then 4-byte lanes of 16 blocks per step, code + 128; rows padded to 64 bytes', () => {
  const codes = codesOf(false), scales = scalesOf();
  const rowBytes = weightRowBytes('q8_0', COLS);
  assert.equal(rowBytes, Math.ceil((20 * 36) / 64) * 64);
  const data = new Uint8Array(2 * rowBytes).fill(0xee);
  packBlockQuantRow('q8_0', codes, scales, data, rowBytes); // the second row
  const row = data.subarray(rowBytes);
  const dv = new DataView(row.buffer, row.byteOffset);
  // group 0: 16 scales, then step s lane l = block l's columns 4s..4s+3
  assert.equal(dv.getFloat32(4 * 3, true), scales[3]);
  assert.equal(row[64 + 64 * 2 + 4 * 5 + 1], codes[5 * 32 + 2 * 4 + 1] + 128); // block 5, column 9
  // group 1 (blocks 16..19, G = 4) starts after 16 blocks of 36 bytes: 4 scales, then steps of 16 bytes
  assert.equal(dv.getFloat32(576 + 4 * 1, true), scales[17]);
  assert.equal(row[576 + 16 + 16 * 7 + 4 * 3 + 2], codes[19 * 32 + 7 * 4 + 2] + 128); // block 19, column 30
  assert.ok(row.subarray(20 * 36).every((b) => b === 0), 'padding is zero');
  assert.ok(data.subarray(0, rowBytes).every((b) => b === 0xee), 'the first row is untouched');
  const w: Weight = { dtype: 'q8_0', rows: 2, cols: COLS, data };
  const back = unpackBlockQuantRow(w, 1);
  assert.deepEqual(back.codes, codes);
  assert.deepEqual(back.scales, scales);
  assert.equal(blockQuantCode(w, 1, 33), codes[33]);
  assert.equal(blockQuantScale(w, 1, 19), scales[19]);
});

test('q4_0 layout: one byte holds column c (low nibble) and c + 16 (high nibble), each code + 8', () => {
  const codes = codesOf(true), scales = scalesOf();
  const rowBytes = weightRowBytes('q4_0', COLS);
  assert.equal(rowBytes, Math.ceil((20 * 20) / 64) * 64);
  const data = new Uint8Array(rowBytes);
  packBlockQuantRow('q4_0', codes, scales, data, 0);
  // block 2, columns 13 and 29: step 3, lane 2, byte 1
  const b = data[64 + 64 * 3 + 4 * 2 + 1];
  assert.equal(b & 15, codes[2 * 32 + 13] + 8);
  assert.equal(b >> 4, codes[2 * 32 + 29] + 8);
  // group 1 (G = 4) starts after 16 blocks of 20 bytes; block 18, columns 4 and 20: step 1, lane 2, byte 0
  const t = data[320 + 16 + 16 * 1 + 4 * 2];
  assert.equal(t & 15, codes[18 * 32 + 4] + 8);
  assert.equal(t >> 4, codes[18 * 32 + 20] + 8);
  const back = unpackBlockQuantRow({ dtype: 'q4_0', rows: 1, cols: COLS, data }, 0);
  assert.deepEqual(back.codes, codes);
  assert.deepEqual(back.scales, scales);
});
