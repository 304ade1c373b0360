import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isParseError, parseWebviewMessage, MAX_PROMPT_CHARS } from './messages';

test('well-formed webview messages come back rebuilt from known fields only', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'hi', extra: { evil: true } }), { type: 'send', text: 'hi' });
  assert.deepEqual(parseWebviewMessage({ type: 'applyCode', code: 'x', languageId: 'ts' }), { type: 'applyCode', code: 'x', languageId: 'ts' });
  assert.deepEqual(parseWebviewMessage({ type: 'insertCode', code: 'x' }), { type: 'insertCode', code: 'x' });
  assert.deepEqual(parseWebviewMessage({ type: 'openLink', href: 'https://a.b' }), { type: 'openLink', href: 'https://a.b' });
  assert.deepEqual(parseWebviewMessage({ type: 'removeContext', id: 'k' }), { type: 'removeContext', id: 'k' });
});

test('malformed messages are rejected with an error naming the fault', () => {
  const cases: Array<[unknown, RegExp]> = [
    [null, /not an object/],
    ['send', /not an object/],
    [[1], /not an object/],
    [{ type: 'launchMissiles' }, /unknown webview message type "launchMissiles"/],
    [{}, /unknown webview message type/],
    [{ type: 'send' }, /"send".*"text"/],
    [{ type: 'send', text: 42 }, /"text"/],
    [{ type: 'send', text: 'x'.repeat(MAX_PROMPT_CHARS + 1) }, /"text"/],
    [{ type: 'applyCode', code: 'x', languageId: 7 }, /"languageId"/],
    [{ type: 'copyCode' }, /"code"/],
    [{ type: 'openConversation', id: { toString: 'x' } }, /"id"/],
  ];
  for (const [raw, pattern] of cases) {
    const r = parseWebviewMessage(raw);
    assert.ok(isParseError(r), `accepted ${JSON.stringify(raw)?.slice(0, 60)}`);
    assert.match(r.error, pattern);
  }
});
