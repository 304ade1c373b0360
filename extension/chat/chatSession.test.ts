import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { ChatSession, describeChatError, type TokenSource } from './chatSession';
import { ConversationStore, type StateStore } from './history';
import { applyEvent, type Conversation } from './conversation';
import type { HostToWebview } from './messages';
import type { ChatContextItem, ChatDeps, ChatTurn } from './types';

class MemoryState implements StateStore {
  private readonly data = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const v = this.data.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.data.set(key, JSON.stringify(value));
  }
}

/** Same behaviour as vscode.CancellationTokenSource, which only exists inside VS Code. */
class PlainTokenSource implements TokenSource {
  private listeners: Array<() => void> = [];
  private cancelled = false;
  readonly token: vscode.CancellationToken = {
    isCancellationRequested: false,
    onCancellationRequested: ((listener: () => void) => {
      this.listeners.push(listener);
      return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
    }) as unknown as vscode.Event<unknown>,
  };
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    (this.token as { isCancellationRequested: boolean }).isCancellationRequested = true;
    for (const l of this.listeners) l();
  }
  dispose(): void {
    this.listeners = [];
  }
}

interface Call { turns: ChatTurn[]; context: ChatContextItem[]; onDelta: (t: string) => void; token: vscode.CancellationToken;
  resolve(answer: string): void; reject(err: unknown): void }

/** A sidecar stand-in whose answers the test drives delta by delta. */
function scriptedDeps() {
  const calls: Call[] = [];
  const applied: Array<[string, string | undefined]> = [];
  const deps: ChatDeps = {
    chat: (turns, context, onDelta, token) =>
      new Promise<string>((resolve, reject) => calls.push({ turns, context, onDelta, token, resolve, reject })),
    applyCodeBlock: async (code, lang) => void applied.push([code, lang]),
  };
  return { deps, calls, applied };
}

let sessions = 0;
function setup(state: StateStore = new MemoryState()) {
  const { deps, calls } = scriptedDeps();
  const posted: HostToWebview[] = [];
  let n = 0;
  const prefix = `s${++sessions}-`;
  const store = new ConversationStore(state);
  const session = new ChatSession({
    deps, store, post: (m) => posted.push(m), createTokenSource: () => new PlainTokenSource(),
    flushMs: 1, now: () => ++n, newId: () => `${prefix}${++n}`,
  });
  /** What the webview would show: its starting conversation plus every posted event, through the shared reducer. */
  const mirror = (start: Conversation) =>
    posted.reduce((c, m) => (m.type === 'event' && m.conversationId === c.id ? applyEvent(c, m.event) : c), start);
  return { session, calls, posted, store, state, mirror };
}

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
const context: ChatContextItem[] = [{ kind: 'selection', uri: 'file:///a.ts', languageId: 'typescript', text: 'x()', label: 'a.ts:1' }];

test('a message streams into the conversation and the webview mirror ends identical', async () => {
  const { session, calls, posted, store, mirror } = setup();
  const start = session.conversation;
  const sent = session.send('  Explain x  ', context);
  await tick();
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0].turns, [{ role: 'user', content: 'Explain x' }]);
  assert.equal(calls[0].context, context);
  assert.equal(session.busy, true);
  calls[0].onDelta('It ');
  calls[0].onDelta('calls ');
  await tick();
  calls[0].onDelta('x.');
  calls[0].resolve('It calls x.');
  await sent;
  const answer = session.conversation.messages[1];
  assert.deepEqual([answer.role, answer.state, answer.content], ['assistant', 'done', 'It calls x.']);
  assert.deepEqual(session.conversation.messages[0].context, ['a.ts:1']);
  assert.deepEqual(mirror(start), session.conversation);
  // Deltas that arrive together are coalesced into fewer messages.
  const deltas = posted.filter((m) => m.type === 'event' && m.event.kind === 'delta');
  assert.ok(deltas.length >= 1 && deltas.length < 3, `got ${deltas.length} delta messages`);
  assert.equal(session.busy, false);
  assert.deepEqual(posted.filter((m) => m.type === 'busy').map((m) => m.type === 'busy' && m.busy), [true, false]);
  assert.equal(store.get(session.conversation.id)?.messages[1].content, 'It calls x.');
  // The next request carries the history.
  const second = session.send('And y?', []);
  await tick();
  assert.deepEqual(calls[1].turns.map((t) => t.content), ['Explain x', 'It calls x.', 'And y?']);
  calls[1].resolve('y');
  await second;
});

test('Stop cancels the token and settles at once; late output is ignored', async () => {
  const { session, calls, mirror } = setup();
  const start = session.conversation;
  const sent = session.send('long answer please', []);
  await tick();
  calls[0].onDelta('partial');
  await tick();
  await session.stop();
  assert.equal(calls[0].token.isCancellationRequested, true);
  assert.equal(session.busy, false);
  calls[0].onDelta(' more');
  calls[0].resolve('partial more');
  await sent;
  await tick();
  const m = session.conversation.messages[1];
  assert.deepEqual([m.state, m.content], ['cancelled', 'partial']);
  assert.deepEqual(mirror(start), session.conversation);
});

test('a sidecar that is down shows as an inline error; a rejection after cancel is just cancelled', async () => {
  const { session, calls } = setup();
  const sent = session.send('hi', []);
  await tick();
  calls[0].reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));
  await sent;
  const failed = session.conversation.messages[1];
  assert.equal(failed.state, 'error');
  assert.match(failed.error ?? '', /sidecar is not running/);

  const again = session.send('hi again', []);
  await tick();
  calls[1].token.onCancellationRequested(() => calls[1].reject(new Error('Request cancelled')));
  await session.stop();
  await again;
  assert.equal(session.conversation.messages[3].state, 'cancelled');
  assert.equal(session.conversation.messages[3].error, undefined);
});

test('sending while busy stops the running answer first', async () => {
  const { session, calls } = setup();
  const first = session.send('one', []);
  await tick();
  const second = session.send('two', []);
  await tick();
  assert.equal(calls[0].token.isCancellationRequested, true);
  calls[1].resolve('answer two');
  await Promise.all([first, second]);
  assert.deepEqual(session.conversation.messages.map((m) => [m.role, m.state]), [
    ['user', 'done'], ['assistant', 'cancelled'], ['user', 'done'], ['assistant', 'done'],
  ]);
});

test('new chat, history and reload: chats persist and the active one comes back', async () => {
  const { session, calls, state } = setup();
  const s1 = session.send('first chat', []);
  await tick();
  calls[0].resolve('ok');
  await s1;
  const firstId = session.conversation.id;
  await session.newChat();
  assert.notEqual(session.conversation.id, firstId);
  assert.equal(session.conversation.messages.length, 0);
  const s2 = session.send('second chat', []);
  await tick();
  await session.newChat(); // while streaming: the answer is cancelled and kept
  await s2;

  const reloaded = setup(state).session;
  assert.equal(reloaded.conversation.messages.length, 0); // the empty new chat is active
  assert.equal(await reloaded.open(firstId), true);
  assert.deepEqual(reloaded.conversation.messages.map((m) => m.content), ['first chat', 'ok']);
  assert.equal(await reloaded.open('no-such-chat'), false);
  const third = setup(state).session;
  assert.equal(third.conversation.id, firstId);
  await third.delete(firstId);
  assert.notEqual(third.conversation.id, firstId);
  assert.equal(new ConversationStore(state).get(firstId), undefined);
  assert.deepEqual(new ConversationStore(state).list().map((c) => c.title), ['second chat']);
  assert.equal(new ConversationStore(state).list()[0].messages[1].state, 'cancelled');
});

test('blank prompts are not sent', async () => {
  const { session, calls, posted } = setup();
  await session.send(' \n ', []);
  assert.equal(calls.length, 0);
  assert.equal(posted.length, 0);
});

test('describeChatError names a dead sidecar and passes other messages through', () => {
  assert.match(describeChatError(Object.assign(new Error('x'), { code: 'EPIPE' })), /sidecar is not running.*\(x\)/);
  assert.match(describeChatError(new Error('Connection got disposed.')), /sidecar is not running/);
  assert.equal(describeChatError(new Error('context too long')), 'context too long');
  const worded = 'The DeepSeek sidecar is not running (see "DeepSeek: Show log").';
  assert.equal(describeChatError(new Error(worded)), worded);
  assert.equal(describeChatError('plain'), 'plain');
});
