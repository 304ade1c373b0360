// The step workspace: a key's buffer is the same memory from step to step, sized as asked; big ones are not kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FRESH, Workspace } from './workspace';

test('a key gets the same memory again, at the length asked for', () => {
  const ws = new Workspace();
  const a = ws.f32('q', 100);
  a.fill(7);
  const b = ws.f32('q', 100);
  assert.equal(b.length, 100);
  assert.equal(b.buffer, a.buffer, 'same memory');
  assert.equal(b[99], 7, 'contents are left as they were (callers overwrite)');
  const shorter = ws.f32('q', 10);
  assert.equal(shorter.length, 10);
  assert.equal(shorter.buffer, a.buffer);
  const longer = ws.f32('q', 1000);
  assert.equal(longer.length, 1000);
  assert.notEqual(longer.buffer, a.buffer, 'grown');
  assert.equal(ws.f32('q', 1000).buffer, longer.buffer);
  assert.notEqual(ws.f32('other', 100).buffer, longer.buffer, 'keys do not share');
  assert.notEqual(ws.i32('q', 100).buffer, longer.buffer, 'int32 buffers are their own');
});

test('large requests and the FRESH workspace get new zeroed arrays every time', () => {
  const ws = new Workspace();
  const big = ws.f32('chunk', 1 << 20);
  big[0] = 1;
  const again = ws.f32('chunk', 1 << 20);
  assert.notEqual(again.buffer, big.buffer);
  assert.equal(again[0], 0);
  const f = FRESH.f32('q', 8);
  f[0] = 3;
  assert.equal(FRESH.f32('q', 8)[0], 0);
  assert.equal(FRESH.i32('q', 8).length, 8);
});
