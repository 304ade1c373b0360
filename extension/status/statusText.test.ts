import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadingPercent, presentStatus } from './statusText';

const on = { completionsEnabled: true };

test('"DeepSeek" and "ready" appear together only when requests can be served', () => {
  const ready = presentStatus({ phase: 'running', status: { state: 'ready', tokensPerSecond: 23.4 } }, on);
  assert.match(ready.text, /DeepSeek ready · 23 tok\/s/);
  assert.match(presentStatus({ phase: 'running', status: undefined }, on).text, /DeepSeek ready/);
  for (const view of [{ phase: 'starting' } as const, { phase: 'stopped' } as const]) {
    assert.doesNotMatch(presentStatus(view, on).text, /ready/);
  }
  for (const state of ['unconfigured', 'loading', 'busy', 'error'] as const) {
    const p = presentStatus({ phase: 'running', status: { state } }, on);
    assert.match(p.text, /DeepSeek/);
    assert.doesNotMatch(p.text, /ready/, state);
  }
});

test('loading shows a percentage', () => {
  const p = presentStatus({ phase: 'running', status: { state: 'loading', loadedBytes: 42, totalBytes: 100 } }, on);
  assert.match(p.text, /loading 42%/);
  assert.equal(loadingPercent({ state: 'loading' }), undefined);
  assert.equal(loadingPercent({ state: 'loading', loadedBytes: 200, totalBytes: 100 }), 100);
});

test('busy says generating and keeps the last speed', () => {
  const p = presentStatus({ phase: 'running', status: { state: 'busy', pending: 2 } }, { completionsEnabled: true, lastTokensPerSecond: 7.25 });
  assert.match(p.text, /generating · 7\.3 tok\/s/);
  assert.match(p.tooltip, /2 requests/);
});

test('errors carry the message and point at the log; stopped offers a restart', () => {
  const e = presentStatus({ phase: 'running', status: { state: 'error', message: 'config.json missing' } }, on);
  assert.equal(e.severity, 'error');
  assert.match(e.tooltip, /config\.json missing/);
  assert.equal(e.command, 'deepseekLocal.showLog');
  assert.equal(presentStatus({ phase: 'stopped', message: 'crashed' }, on).command, 'deepseekLocal.restartSidecar');
});

test('completions switched off is visible', () => {
  assert.match(presentStatus({ phase: 'running', status: { state: 'ready' } }, { completionsEnabled: false }).text, /completions off/);
});
