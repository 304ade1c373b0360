import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEvent, newConversation, settleInterrupted, titleFrom, toTurns, type Conversation, type ConversationEvent } from './conversation';

const run = (events: ConversationEvent[], start: Conversation = newConversation('c1', 0)) => events.reduce(applyEvent, start);

test('streaming deltas append in order to the streaming message only', () => {
  const c = run([
    { kind: 'userMessage', id: 'u1', content: 'hi', context: [], at: 1 },
    { kind: 'assistantStart', id: 'a1', at: 2 },
    { kind: 'delta', id: 'a1', text: 'Hel' },
    { kind: 'delta', id: 'a1', text: 'lo ' },
    { kind: 'delta', id: 'a1', text: 'world' },
  ]);
  assert.equal(c.messages[1].content, 'Hello world');
  assert.equal(c.messages[1].state, 'streaming');
  assert.equal(c.messages[0].content, 'hi');
  // A delta for a finished or unknown message changes nothing.
  const done = run([{ kind: 'finish', id: 'a1', state: 'done', at: 3 }, { kind: 'delta', id: 'a1', text: '!' }, { kind: 'delta', id: 'zz', text: '?' }], c);
  assert.equal(done.messages[1].content, 'Hello world');
  assert.equal(done.messages[1].state, 'done');
});

test('applyEvent never mutates its input', () => {
  const c0 = run([{ kind: 'userMessage', id: 'u1', content: 'q', context: ['a.ts:1-2'], at: 1 }, { kind: 'assistantStart', id: 'a1', at: 2 }]);
  const frozen = JSON.stringify(c0);
  run([{ kind: 'delta', id: 'a1', text: 'x' }, { kind: 'finish', id: 'a1', state: 'error', error: 'boom', at: 3 }], c0);
  assert.equal(JSON.stringify(c0), frozen);
});

test('finish: done takes the resolved answer, cancelled keeps the partial text, error records the reason', () => {
  const base = run([{ kind: 'userMessage', id: 'u', content: 'q', context: [], at: 1 }, { kind: 'assistantStart', id: 'a', at: 2 }, { kind: 'delta', id: 'a', text: 'part' }]);
  assert.equal(run([{ kind: 'finish', id: 'a', state: 'done', content: 'full answer', at: 3 }], base).messages[1].content, 'full answer');
  assert.equal(run([{ kind: 'finish', id: 'a', state: 'done', content: '', at: 3 }], base).messages[1].content, 'part');
  const cancelled = run([{ kind: 'finish', id: 'a', state: 'cancelled', content: 'ignored', at: 3 }], base).messages[1];
  assert.deepEqual([cancelled.state, cancelled.content], ['cancelled', 'part']);
  const failed = run([{ kind: 'finish', id: 'a', state: 'error', error: 'sidecar down', at: 3 }], base).messages[1];
  assert.deepEqual([failed.state, failed.error], ['error', 'sidecar down']);
});

test('title comes from the first user message; context labels are kept', () => {
  const c = run([
    { kind: 'userMessage', id: 'u1', content: '  Explain\n this   function ', context: ['app.ts:10-24'], at: 1 },
    { kind: 'userMessage', id: 'u2', content: 'second', context: [], at: 2 },
  ]);
  assert.equal(c.title, 'Explain this function');
  assert.deepEqual(c.messages[0].context, ['app.ts:10-24']);
  assert.equal(c.messages[1].context, undefined);
  assert.equal(titleFrom('x'.repeat(100)).length, 60);
  assert.equal(titleFrom('   '), 'New chat');
});

test('toTurns leaves out failed, empty and still-streaming answers', () => {
  const c = run([
    { kind: 'userMessage', id: 'u1', content: 'a', context: [], at: 1 },
    { kind: 'assistantStart', id: 'a1', at: 1 },
    { kind: 'finish', id: 'a1', state: 'error', error: 'x', at: 1 },
    { kind: 'userMessage', id: 'u2', content: 'b', context: [], at: 1 },
    { kind: 'assistantStart', id: 'a2', at: 1 },
    { kind: 'delta', id: 'a2', text: 'partial' },
    { kind: 'finish', id: 'a2', state: 'cancelled', at: 1 },
    { kind: 'userMessage', id: 'u3', content: 'c', context: [], at: 1 },
    { kind: 'assistantStart', id: 'a3', at: 1 },
  ]);
  assert.deepEqual(toTurns(c), [
    { role: 'user', content: 'a' },
    { role: 'user', content: 'b' },
    { role: 'assistant', content: 'partial' },
    { role: 'user', content: 'c' },
  ]);
});

test('settleInterrupted turns leftover streaming messages into cancelled ones', () => {
  const c = run([{ kind: 'userMessage', id: 'u', content: 'q', context: [], at: 1 }, { kind: 'assistantStart', id: 'a', at: 2 }]);
  assert.equal(settleInterrupted(c).messages[1].state, 'cancelled');
  const settled = settleInterrupted(c);
  assert.equal(settleInterrupted(settled), settled);
});
