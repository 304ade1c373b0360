// Past conversations kept in the workspace state (survive reloads); stored data is re-validated on load.
import type { ChatMessage, Conversation } from './conversation';
import { settleInterrupted } from './conversation';
import type { ConversationSummary } from './messages';

/** The part of vscode.Memento this store needs. */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const CONVERSATIONS_KEY = 'deepseekLocal.chat.conversations';
const ACTIVE_KEY = 'deepseekLocal.chat.activeId';
/** Oldest chats beyond this are dropped so the workspace state stays small. */
export const MAX_CONVERSATIONS = 30;

const STATES = new Set(['streaming', 'done', 'cancelled', 'error']);

function validMessage(m: unknown): m is ChatMessage {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  return typeof o.id === 'string' && (o.role === 'user' || o.role === 'assistant') &&
    typeof o.content === 'string' && typeof o.state === 'string' && STATES.has(o.state) &&
    (o.error === undefined || typeof o.error === 'string') &&
    (o.context === undefined || (Array.isArray(o.context) && o.context.every((c) => typeof c === 'string')));
}

function validConversation(c: unknown): c is Conversation {
  if (typeof c !== 'object' || c === null) return false;
  const o = c as Record<string, unknown>;
  return typeof o.id === 'string' && typeof o.title === 'string' && typeof o.createdAt === 'number' &&
    typeof o.updatedAt === 'number' && Array.isArray(o.messages) && o.messages.every(validMessage);
}

export function summarize(c: Conversation): ConversationSummary {
  return { id: c.id, title: c.title, updatedAt: c.updatedAt, messageCount: c.messages.length };
}

export class ConversationStore {
  constructor(private readonly state: StateStore) {}

  /** All stored chats, newest first; entries that do not look like a conversation are skipped. */
  list(): Conversation[] {
    const raw = this.state.get<unknown>(CONVERSATIONS_KEY);
    if (!Array.isArray(raw)) return [];
    return raw.filter(validConversation).map(settleInterrupted).sort((a, b) => b.updatedAt - a.updatedAt);
  }

  get(id: string): Conversation | undefined {
    return this.list().find((c) => c.id === id);
  }

  activeId(): string | undefined {
    const id = this.state.get<unknown>(ACTIVE_KEY);
    return typeof id === 'string' ? id : undefined;
  }

  async setActive(id: string): Promise<void> {
    await this.state.update(ACTIVE_KEY, id);
  }

  /** Inserts or replaces `c`; empty chats are not worth keeping. */
  async save(c: Conversation): Promise<void> {
    const others = this.list().filter((x) => x.id !== c.id);
    const all = c.messages.length ? [c, ...others] : others;
    all.sort((a, b) => b.updatedAt - a.updatedAt);
    await this.state.update(CONVERSATIONS_KEY, all.slice(0, MAX_CONVERSATIONS));
  }

  async delete(id: string): Promise<void> {
    await this.state.update(CONVERSATIONS_KEY, this.list().filter((x) => x.id !== id));
  }

  summaries(): ConversationSummary[] {
    return this.list().map(summarize);
  }
}
