import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConversationStore, MAX_CONVERSATIONS, type StateStore } from './history';
import { applyEvent, newConversation, type Conversation } from './conversation';

/** vscode.Memento semantics: values round-trip through JSON. */
class MemoryState implements StateStore {
  readonly data = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const v = this.data.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.data.set(key, JSON.stringify(value));
  }
}

function chat(id: string, at: number, text = `question ${id}`): Conversation {
  return applyEvent(newConversation(id, at), { kind: 'userMessage', id: `${id}-u`, content: text, context: [], at });
}

test('saved chats survive a new store over the same state, newest first', async () => {
  const state = new MemoryState();
  const store = new ConversationStore(state);
  await store.save(chat('a', 1));
  await store.save(chat('b', 3));
  await store.save(chat('c', 2));
  await store.setActive('c');
  const reloaded = new ConversationStore(state);
  assert.deepEqual(reloaded.list().map((c) => c.id), ['b', 'c', 'a']);
  assert.equal(reloaded.activeId(), 'c');
  assert.equal(reloaded.get('a')?.messages[0].content, 'question a');
  assert.deepEqual(reloaded.summaries()[0], { id: 'b', title: 'question b', updatedAt: 3, messageCount: 1 });
});

test('saving replaces the same id, skips empty chats, and caps the list', async () => {
  const store = new ConversationStore(new MemoryState());
  await store.save(chat('a', 1, 'old'));
  await store.save(chat('a', 5, 'new'));
  await store.save(newConversation('empty', 9));
  assert.deepEqual(store.list().map((c) => [c.id, c.title]), [['a', 'new']]);
  for (let i = 0; i < MAX_CONVERSATIONS + 5; i++) await store.save(chat(`n${i}`, 10 + i));
  assert.equal(store.list().length, MAX_CONVERSATIONS);
  assert.equal(store.get('a'), undefined); // the oldest went first
  await store.delete('n40');
  assert.equal(store.get('n40'), undefined);
});

test('corrupt stored data is skipped and interrupted answers come back cancelled', async () => {
  const state = new MemoryState();
  const streaming = applyEvent(chat('s', 2), { kind: 'assistantStart', id: 'a', at: 2 });
  await state.update('deepseekLocal.chat.conversations', [
    streaming, { id: 5 }, null, { ...chat('bad', 1), messages: [{ role: 'system' }] }, 'junk',
  ]);
  const store = new ConversationStore(state);
  assert.deepEqual(store.list().map((c) => c.id), ['s']);
  assert.equal(store.list()[0].messages[1].state, 'cancelled');
  await state.update('deepseekLocal.chat.conversations', { not: 'an array' });
  assert.deepEqual(store.list(), []);
});
