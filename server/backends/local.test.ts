// The local backend on the demo model: FIM and chat prompts, stops, cancellation, priorities.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeDemoModel } from '../engine/demo-model';
import { LocalBackend } from './local';

let tmp: string;
let backend: LocalBackend;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dsl-local-'));
  await makeDemoModel(tmp);
  backend = await LocalBackend.load(tmp);
});

after(() => {
  backend?.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('FIM: the prompt is <｜fim▁begin｜>prefix<｜fim▁hole｜>suffix<｜fim▁end｜>, greedy output is deterministic', async () => {
  const a = await backend.complete({ prefix: 'def add(a, b):\n    ', suffix: '\n' }, { maxTokens: 5 });
  const b = await backend.complete({ prefix: 'def add(a, b):\n    ', suffix: '\n' }, { maxTokens: 5 });
  assert.equal(a.text, b.text);
  assert.equal(a.completionTokens, 5);
  assert.equal(a.stopReason, 'length');
  // BOS + 3 FIM markers + the text's own tokens
  assert.equal(a.promptTokens, 4 + backend.countTokens('def add(a, b):\n    ') + backend.countTokens('\n'));
  assert.ok(b.reusedTokens! > 0, 'the second identical prompt reuses the cached prefix');
});

test('streamed pieces add up to the text; onText returning false stops', async () => {
  const pieces: string[] = [];
  const r = await backend.chat([{ role: 'user', content: 'hi' }], { maxTokens: 8, onText: (d) => { pieces.push(d); } });
  assert.equal(pieces.join(''), r.text);
  const stopped = await backend.chat([{ role: 'user', content: 'hi' }], { maxTokens: 50, onText: () => false });
  assert.equal(stopped.stopReason, 'stop');
  assert.equal(stopped.completionTokens, 1);
});

test('abort releases the engine within a token; queued jobs cancelled before they start', async () => {
  const ctl = new AbortController();
  let tokens = 0;
  const running = backend.chat([{ role: 'user', content: 'long' }], {
    maxTokens: 10_000, signal: ctl.signal, onText: () => { if (++tokens === 3) ctl.abort(); },
  });
  const queued = backend.chat([{ role: 'user', content: 'queued' }], { maxTokens: 10_000, signal: ctl.signal });
  const [r, q] = await Promise.all([running, queued]);
  assert.equal(r.stopReason, 'cancelled');
  assert.ok(r.completionTokens <= 4, `${r.completionTokens} tokens`);
  assert.equal(q.stopReason, 'cancelled');
  assert.equal(q.completionTokens, 0);
  assert.equal(backend.pending, 0);
});

test('an inline completion overtakes a running chat, which then continues to its full length', async () => {
  const order: string[] = [];
  let chatTokens = 0;
  let completion: Promise<unknown> | undefined;
  const chat = backend.chat([{ role: 'user', content: 'tell me' }], {
    maxTokens: 40,
    onText: () => {
      if (++chatTokens === 3) completion = backend.complete({ prefix: 'x = ', suffix: '' }, { maxTokens: 3 }).then(() => order.push(`completion@${chatTokens}`));
    },
  });
  const r = await chat;
  order.push('chat');
  await completion;
  assert.equal(r.completionTokens, 40);
  assert.equal(order[0], 'completion@3', order.join(' '));
});

test('stop strings end the text before them', async () => {
  const free = await backend.chat([{ role: 'user', content: 'hi' }], { maxTokens: 12 });
  const cut = free.text.slice(3, 5);
  assert.ok(cut.length > 0);
  const stopped = await backend.chat([{ role: 'user', content: 'hi' }], { maxTokens: 12, stop: [cut] });
  assert.equal(stopped.text, free.text.slice(0, free.text.indexOf(cut)));
  assert.equal(stopped.stopReason, 'stop');
});

test('a constraint factory gets the tokenizer and budget; the engine samples only what it allows and stops when done', async () => {
  const seen: { budget?: number; vocab?: number } = {};
  const allowedId = 87; // one ordinary vocabulary token
  const r = await backend.chat([{ role: 'user', content: 'hi' }], {
    maxTokens: 50,
    temperature: 1,
    constraint: (tokenizer, maxTokens) => {
      seen.budget = maxTokens;
      seen.vocab = tokenizer.vocabSize;
      let left = 3;
      return {
        mask(logits) { const keep = logits[allowedId]; logits.fill(-Infinity); logits[allowedId] = keep; },
        advance(id) { assert.equal(id, allowedId); left--; },
        get done() { return left === 0; },
      };
    },
  });
  assert.equal(seen.budget, 50);
  assert.ok(seen.vocab! > 100_000);
  assert.equal(r.completionTokens, 3);
  assert.equal(r.stopReason, 'eos');
  const piece = r.text.slice(0, r.text.length / 3);
  assert.ok(piece.length > 0);
  assert.equal(r.text, piece.repeat(3));
});
