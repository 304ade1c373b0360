import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestartPolicy } from './restartPolicy';

test('restarts until crashes pile up within the window', () => {
  const p = new RestartPolicy(3, 60_000);
  assert.deepEqual([0, 1000, 2000, 3000].map((t) => p.shouldRestart(t)), [true, true, true, false]);
});

test('old crashes age out of the window', () => {
  const p = new RestartPolicy(2, 60_000);
  assert.equal(p.shouldRestart(0), true);
  assert.equal(p.shouldRestart(10_000), true);
  assert.equal(p.shouldRestart(100_000), true);
});

test('reset forgets the crashes', () => {
  const p = new RestartPolicy(1, 60_000);
  assert.equal(p.shouldRestart(0), true);
  assert.equal(p.shouldRestart(1), false);
  p.reset();
  assert.equal(p.shouldRestart(2), true);
});
