import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledWhileQueued, PriorityScheduler } from './scheduler';

/** A job that records its start and finishes when told. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => { release = r; });
  return { job: async () => { log.push(name); await done; return name; }, release: () => release() };
}

test('runs one job at a time, most urgent first, FIFO within a priority', async () => {
  const s = new PriorityScheduler();
  const log: string[] = [];
  const first = gate(log, 'first');
  const p1 = s.run(2, undefined, first.job);
  const chat1 = s.run(1, undefined, async () => { log.push('chat1'); });
  const edit = s.run(2, undefined, async () => { log.push('edit'); });
  const completion = s.run(0, undefined, async () => { log.push('completion'); });
  const chat2 = s.run(1, undefined, async () => { log.push('chat2'); });
  assert.equal(s.pending, 5);
  assert.deepEqual(log, ['first']);
  first.release();
  await Promise.all([p1, chat1, edit, completion, chat2]);
  assert.deepEqual(log, ['first', 'completion', 'chat1', 'chat2', 'edit']);
  assert.equal(s.pending, 0);
});

test('a job cancelled while queued leaves the queue at once and never runs', async () => {
  const s = new PriorityScheduler();
  const log: string[] = [];
  const first = gate(log, 'first');
  const p1 = s.run(0, undefined, first.job);
  const ctl = new AbortController();
  const queued = s.run(0, ctl.signal, async () => { log.push('never'); });
  ctl.abort();
  await assert.rejects(queued, CancelledWhileQueued);
  assert.equal(s.pending, 1);
  first.release();
  await p1;
  assert.deepEqual(log, ['first']);
  await assert.rejects(s.run(0, ctl.signal, async () => undefined), CancelledWhileQueued);
});

test('a failing job does not block the next one', async () => {
  const s = new PriorityScheduler();
  await assert.rejects(s.run(0, undefined, async () => { throw new Error('boom'); }), /boom/);
  assert.equal(await s.run(0, undefined, async () => 7), 7);
});
