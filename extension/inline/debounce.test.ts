import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveDebounce } from './debounce';

function typed(d: AdaptiveDebounce, gapMs: number, keys: number, start = 0): number {
  let t = start;
  for (let i = 0; i < keys; i++) { d.recordKeystroke(t); t += gapMs; }
  return t;
}

test('a fixed setting overrides adaptation', () => {
  const d = new AdaptiveDebounce(300);
  typed(d, 40, 20);
  d.recordLatency(5000);
  assert.equal(d.delayMs(), 300);
});

test('follows typing rhythm: slower typists get a longer wait, fast ones a short one', () => {
  const fast = new AdaptiveDebounce();
  typed(fast, 60, 30);
  const slow = new AdaptiveDebounce();
  typed(slow, 300, 30);
  assert.ok(Math.abs(fast.delayMs() - 78) <= 2, `fast ${fast.delayMs()}`);
  assert.ok(Math.abs(slow.delayMs() - 390) <= 2, `slow ${slow.delayMs()}`);
});

test('pauses do not count as typing rhythm', () => {
  const d = new AdaptiveDebounce();
  let t = typed(d, 80, 20);
  t += 10_000; // a long pause
  typed(d, 80, 2, t);
  assert.ok(d.delayMs() < 120, `delay ${d.delayMs()}`);
});

test('a slow model stretches the wait, clamped to the maximum', () => {
  const d = new AdaptiveDebounce();
  typed(d, 60, 30);
  const quick = d.delayMs();
  for (let i = 0; i < 20; i++) d.recordLatency(1600);
  assert.ok(Math.abs(d.delayMs() - 400) <= 2, `delay ${d.delayMs()}`);
  assert.ok(d.delayMs() > quick);
  for (let i = 0; i < 20; i++) d.recordLatency(60_000);
  assert.equal(d.delayMs(), 750);
});

test('has a sane default and a floor', () => {
  assert.equal(new AdaptiveDebounce().delayMs(), 156);
  const d = new AdaptiveDebounce();
  typed(d, 5, 50);
  assert.equal(d.delayMs(), 50);
});
