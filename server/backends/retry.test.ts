import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, isRetryableStatus, sleep } from './retry';

test('isRetryableStatus: 429 and 5xx only', () => {
  assert.deepEqual([200, 400, 401, 404, 429, 500, 503].map(isRetryableStatus), [false, false, false, false, true, true, true]);
});

test('backoffDelay doubles, honours Retry-After, and is capped', () => {
  assert.deepEqual([0, 1, 2].map((a) => backoffDelay(a, 100, null)), [100, 200, 400]);
  assert.equal(backoffDelay(0, 100, '2'), 2000);
  assert.equal(backoffDelay(0, 100, new Date(10_000).toUTCString(), 30_000, 7_000), 3000);
  assert.equal(backoffDelay(20, 100, null, 5000), 5000);
});

test('sleep rejects as soon as the signal aborts', async () => {
  const ctl = new AbortController();
  const t0 = Date.now();
  setTimeout(() => ctl.abort(new Error('stop')), 10);
  await assert.rejects(sleep(10_000, ctl.signal), /stop/);
  assert.ok(Date.now() - t0 < 1000);
});
