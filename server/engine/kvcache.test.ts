import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CacheBuffers, SequenceCache, roomFor } from './kvcache';

test('roomFor leaves a quarter more room, in powers of two', () => {
  assert.equal(roomFor(0), 64);
  assert.equal(roomFor(51), 64);
  assert.equal(roomFor(52), 128); // 52 + 13 > 64
  assert.equal(roomFor(4096), 8192); // a prompt of exactly 4096 tokens still has room for its next keystrokes
  assert.equal(roomFor(3000), 4096);
});

test('CacheBuffers hands back the smallest kept buffer that fits (at most twice the size), within its bound', () => {
  const pool = new CacheBuffers(4 * 1000 * 4);
  const a = new Float32Array(1000), b = new Float32Array(600), c = new Float32Array(3000);
  pool.give(a);
  pool.give(b);
  pool.give(c); // 4600 floats kept > 4000: the oldest (a) goes
  assert.equal(pool.take(500), b);
  assert.notEqual(pool.take(900), a, 'a was dropped beyond the bound');
  assert.notEqual(pool.take(1000), c, 'c is more than twice 1000');
  assert.equal(pool.take(1600), c);
  pool.give(new Float32Array(5000)); // larger than the whole bound: not kept
  assert.equal(pool.take(5000).length, 5000);
});

test('a clone into recycled buffers holds exactly the prefix rows; growth hands the old buffer back', () => {
  const pool = new CacheBuffers(1 << 24);
  const rowSize = 3;
  const s = new SequenceCache(2, rowSize, 64, pool);
  s.reserve(100);
  for (const l of s.layers) for (let i = 0; i < 100 * rowSize; i++) l.data[i] = i + 1;
  s.commit(Array.from({ length: 100 }, (_, i) => i));
  // A stale buffer full of other numbers, kept from an evicted sequence.
  const stale = new SequenceCache(2, rowSize, roomFor(60), pool);
  for (const l of stale.layers) l.data.fill(-7);
  const staleData = stale.layers.map((l) => l.data);
  stale.recycle();
  const c = s.clonePrefix(60);
  assert.ok(c.layers.some((l) => staleData.includes(l.data)), 'the clone reuses a kept buffer');
  for (const l of c.layers) assert.deepEqual(Array.from(l.data.subarray(0, 60 * rowSize)), Array.from({ length: 60 * rowSize }, (_, i) => i + 1));
  assert.deepEqual(c.tokens, s.tokens.slice(0, 60));
  const before = c.layers[0].data;
  c.reserve(roomFor(60)); // past the capacity: grows, and the old buffer is kept for others
  assert.notEqual(c.layers[0].data, before);
  assert.equal(pool.take(before.length), before);
});

test('a cache grows while a quarter of its rows would still be spare, not when it is full', () => {
  const s = new SequenceCache(2, 4, 64);
  s.reserve(51); // 51 + 12 < 64: fits with room to spare
  assert.equal(s.layers[0].data.length, 64 * 4);
  s.reserve(60); // 60 rows fit in 64, but fewer than a quarter would be spare: grow now (a prompt being prefilled)
  assert.equal(s.layers[0].data.length, 128 * 4);
});
