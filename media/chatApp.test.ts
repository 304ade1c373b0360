import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { mountChat, type WebviewApi } from './chatApp';
import { createSanitizer } from './sanitize';
import { chatHtml } from '../extension/chat/html';
import { applyEvent, newConversation, type Conversation, type ConversationEvent } from '../extension/chat/conversation';
import type { HostToWebview, WebviewToHost } from '../extension/chat/messages';

/** The real page shell in jsdom, the real app mounted on it, and the messages it posts to the host. */
function mount(state?: unknown) {
  const page = chatHtml({ cspSource: 'vscode-resource:', nonce: 'n', scriptUri: 'about:blank', styleUri: 'about:blank' });
  const { window } = new JSDOM(page.replace(/<script[^>]*><\/script>/, ''), { pretendToBeVisual: true });
  const sent: WebviewToHost[] = [];
  let saved = state;
  const api: WebviewApi = { postMessage: (m) => sent.push(m), getState: () => saved, setState: (s) => (saved = s) };
  const app = mountChat(window.document, api, createSanitizer(window as unknown as Window));
  const $ = <T extends Element = HTMLElement>(id: string) => window.document.querySelector<T>(`[data-testid="${id}"]`)!;
  const $$ = (id: string) => [...window.document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)];
  const key = (key: string, init: KeyboardEventInit = {}) =>
    $('chat-input').dispatchEvent(new window.KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
  const frame = () => new Promise((r) => window.requestAnimationFrame(() => r(undefined)));
  return { window, app, sent, $, $$, key, frame, saved: () => saved };
}

function snapshot(conversation: Conversation, extra: Partial<Extract<HostToWebview, { type: 'snapshot' }>> = {}): HostToWebview {
  return { type: 'snapshot', conversation, busy: false, context: [], history: [], ...extra };
}

test('says ready, then renders a snapshot with roles, states and an inline error', () => {
  const { app, sent, $, $$ } = mount();
  assert.deepEqual(sent, [{ type: 'ready' }]);
  assert.ok($('empty-state'));
  const events: ConversationEvent[] = [
    { kind: 'userMessage', id: 'u1', content: '<b>not bold</b>', context: ['app.ts:1-3'], at: 1 },
    { kind: 'assistantStart', id: 'a1', at: 2 },
    { kind: 'finish', id: 'a1', state: 'error', error: 'The DeepSeek sidecar is not running', at: 3 },
  ];
  app.receive(snapshot(events.reduce(applyEvent, newConversation('c', 0))));
  const bubbles = $$('message');
  assert.deepEqual(bubbles.map((b) => [b.dataset.role, b.dataset.state]), [['user', 'done'], ['assistant', 'error']]);
  assert.equal(bubbles[0].querySelector('[data-testid="message-body"]')?.textContent, '<b>not bold</b>');
  assert.equal(bubbles[0].querySelector('b'), null);
  assert.match(bubbles[1].querySelector('[data-testid="message-status"]')?.textContent ?? '', /sidecar is not running/);
  assert.equal($('empty-state'), null);
});

test('streaming deltas render as Markdown and the bubble ends cancelled on Stop', async () => {
  const { app, $, $$, frame } = mount();
  app.receive(snapshot(newConversation('c', 0)));
  app.receive({ type: 'event', conversationId: 'c', event: { kind: 'userMessage', id: 'u', content: 'q', context: [], at: 1 } });
  app.receive({ type: 'event', conversationId: 'c', event: { kind: 'assistantStart', id: 'a', at: 2 } });
  app.receive({ type: 'busy', busy: true });
  assert.equal($('chat-send').hidden, true);
  assert.equal($('chat-stop').hidden, false);
  for (const text of ['Use **this**:\n\n```ts\nlet x', ' = 1;\n```\n<script>alert(1)</script>']) {
    app.receive({ type: 'event', conversationId: 'c', event: { kind: 'delta', id: 'a', text } });
  }
  // An event for another conversation (stale) is ignored.
  app.receive({ type: 'event', conversationId: 'other', event: { kind: 'delta', id: 'a', text: 'WRONG' } });
  await frame();
  const answer = $$('message')[1];
  assert.equal(answer.dataset.state, 'streaming');
  assert.equal(answer.querySelector('strong')?.textContent, 'this');
  assert.equal(answer.querySelector('code')?.textContent, 'let x = 1;\n');
  assert.equal(answer.querySelector('script'), null);
  assert.doesNotMatch(answer.textContent ?? '', /WRONG/);
  app.receive({ type: 'event', conversationId: 'c', event: { kind: 'finish', id: 'a', state: 'cancelled', at: 3 } });
  app.receive({ type: 'busy', busy: false });
  assert.equal(answer.dataset.state, 'cancelled');
  assert.equal(answer.querySelector('[data-testid="message-status"]')?.textContent, 'Stopped.');
  assert.equal($('chat-send').hidden, false);
});

test('deltas render once per frame; a finished answer shows the authoritative text', async () => {
  const { app, $$, frame } = mount();
  app.receive(snapshot(newConversation('c', 0)));
  app.receive({ type: 'event', conversationId: 'c', event: { kind: 'assistantStart', id: 'a', at: 1 } });
  const body = () => $$('message-body')[0].textContent;
  app.receive({ type: 'event', conversationId: 'c', event: { kind: 'delta', id: 'a', text: 'partial' } });
  assert.equal(body(), ''); // batched until the next frame
  await frame();
  assert.equal(body(), 'partial\n');
  app.receive({ type: 'event', conversationId: 'c', event: { kind: 'finish', id: 'a', state: 'done', content: 'final answer', at: 2 } });
  assert.equal(body(), 'final answer\n');
  assert.equal($$('message')[0].dataset.state, 'done');
});

test('Enter sends, Shift+Enter does not, Escape stops only while busy', () => {
  const { app, sent, $, key, saved } = mount({ draft: 'restored draft' });
  const input = $<HTMLTextAreaElement>('chat-input');
  assert.equal(input.value, 'restored draft');
  input.value = 'line one';
  key('Enter', { shiftKey: true });
  assert.equal(sent.length, 1);
  key('Enter');
  assert.deepEqual(sent.at(-1), { type: 'send', text: 'line one' });
  assert.equal(input.value, '');
  assert.deepEqual(saved(), { draft: '' });
  key('Escape');
  assert.equal(sent.length, 2);
  app.receive({ type: 'busy', busy: true });
  input.value = 'typed while busy';
  key('Enter');
  assert.equal(sent.length, 2); // not sent while an answer streams
  key('Escape');
  assert.deepEqual(sent.at(-1), { type: 'stop' });
  $('chat-stop').click();
  assert.deepEqual(sent.at(-1), { type: 'stop' });
  app.receive({ type: 'busy', busy: false });
  $('chat-send').click();
  assert.deepEqual(sent.at(-1), { type: 'send', text: 'typed while busy' });
  $('chat-new').click();
  assert.deepEqual(sent.at(-1), { type: 'newChat' });
});

test('code-block buttons post the block text and language; links ask the host', () => {
  const { app, sent, $$, window } = mount();
  const c = [
    { kind: 'userMessage', id: 'u', content: 'q', context: [], at: 1 },
    { kind: 'assistantStart', id: 'a', at: 2 },
    { kind: 'finish', id: 'a', state: 'done', content: 'See [docs](https://example.com/d).\n\n```python\nprint("hi")\n```', at: 3 },
  ].reduce((acc, e) => applyEvent(acc, e as ConversationEvent), newConversation('c', 0));
  app.receive(snapshot(c));
  $$('code-apply')[0].click();
  assert.deepEqual(sent.at(-1), { type: 'applyCode', code: 'print("hi")', languageId: 'python' });
  $$('code-insert')[0].click();
  assert.deepEqual(sent.at(-1), { type: 'insertCode', code: 'print("hi")', languageId: 'python' });
  const copy = $$('code-copy')[0];
  copy.click();
  assert.deepEqual(sent.at(-1), { type: 'copyCode', code: 'print("hi")' });
  assert.equal(copy.textContent, 'Copied');
  const link = window.document.querySelector<HTMLElement>('a.external-link')!;
  const click = new window.MouseEvent('click', { bubbles: true, cancelable: true });
  link.dispatchEvent(click);
  assert.equal(click.defaultPrevented, true);
  assert.deepEqual(sent.at(-1), { type: 'openLink', href: 'https://example.com/d' });
});

test('context chips render with a remove button; history lists and opens past chats', () => {
  const { app, sent, $, $$ } = mount();
  app.receive(snapshot(newConversation('c', 0), {
    context: [{ id: 'sel1', kind: 'selection', label: 'app.ts:10-24' }],
    history: [{ id: 'old', title: 'Old chat', updatedAt: 5, messageCount: 2 }],
  }));
  assert.deepEqual($$('context-chip').map((c) => c.textContent), ['app.ts:10-24×']);
  $('context-chip-remove').click();
  assert.deepEqual(sent.at(-1), { type: 'removeContext', id: 'sel1' });
  app.receive({ type: 'context', context: [] });
  assert.equal($$('context-chip').length, 0);

  assert.equal($('history-list').hidden, true);
  $('chat-history').click();
  assert.equal($('history-list').hidden, false);
  assert.deepEqual($$('history-item').map((b) => b.textContent), ['Old chat']);
  $('history-delete').click();
  assert.deepEqual(sent.at(-1), { type: 'deleteConversation', id: 'old' });
  $('history-item').click();
  assert.deepEqual(sent.at(-1), { type: 'openConversation', id: 'old' });
  assert.equal($('history-list').hidden, true);
});
