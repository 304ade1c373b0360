import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpError } from './errors';
import { parseChatCompletion, parseCompletion, parseJsonBody } from './requests';

const fails = (fn: () => unknown, param: string | null, msg: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof HttpError && e.status === 400 && e.param === param && msg.test(e.message));

test('parseJsonBody wants a JSON object', () => {
  fails(() => parseJsonBody('{x'), null, /not valid JSON/);
  fails(() => parseJsonBody('[1]'), null, /JSON object/);
  assert.deepEqual(parseJsonBody('{"a":1}'), { a: 1 });
});

test('parseChatCompletion: roles, text parts, sampling defaults and limits', () => {
  const p = parseChatCompletion({
    messages: [{ role: 'developer', content: 'be brief' }, { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }],
    max_completion_tokens: 5, stop: 'END', stream: true, stream_options: { include_usage: true },
  });
  assert.deepEqual(p, {
    messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'ab' }],
    maxTokens: 5, temperature: 1, topP: undefined, stop: ['END'], stream: true, includeUsage: true,
  });
  fails(() => parseChatCompletion({ messages: [] }), 'messages', /non-empty/);
  fails(() => parseChatCompletion({ messages: [{ role: 'tool', content: 'x' }] }), 'messages[0].role', /role/);
  fails(() => parseChatCompletion({ messages: [{ role: 'user', content: [{ type: 'image_url' }] }] }), 'messages[0].content', /text part/);
  fails(() => parseChatCompletion({ messages: [{ role: 'user', content: 'x' }], n: 2 }), 'n', /'n' must be 1/);
  fails(() => parseChatCompletion({ messages: [{ role: 'user', content: 'x' }], stop: [1] }), 'stop', /stop/);
});

test('parseCompletion: prompt (or a one-string batch) and optional suffix', () => {
  assert.equal(parseCompletion({ prompt: ['p'], suffix: 's' }).suffix, 's');
  assert.equal(parseCompletion({ prompt: 'p' }).suffix, undefined);
  assert.equal(parseCompletion({ prompt: 'p', max_tokens: 3 }).maxTokens, 3);
  fails(() => parseCompletion({ prompt: [1, 2] }), 'prompt', /token arrays/);
  fails(() => parseCompletion({ prompt: 'p', suffix: 3 }), 'suffix', /suffix/);
  fails(() => parseCompletion({ prompt: 'p', max_tokens: 0 }), 'max_tokens', /max_tokens/);
});
