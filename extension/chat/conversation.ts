// Conversation state and its reducer: pure, shared by the host (source of truth) and the webview (mirror).
import type { ChatTurn } from './types';

export type MessageState = 'streaming' | 'done' | 'cancelled' | 'error';

export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  state: MessageState;
  /** Shown inline under an assistant message whose request failed. */
  error?: string;
  /** Labels of the context attached to a user message, e.g. ["app.ts:10-24"]. */
  context?: string[];
}

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  messages: ChatMessage[];
}

/** One step of a conversation; the host applies it and forwards the same event to the webview. */
export type ConversationEvent =
  | { kind: 'userMessage'; id: string; content: string; context: string[]; at: number }
  | { kind: 'assistantStart'; id: string; at: number }
  | { kind: 'delta'; id: string; text: string }
  | { kind: 'finish'; id: string; state: 'done' | 'cancelled' | 'error'; error?: string; content?: string; at: number };

const TITLE_LENGTH = 60;

export function newConversation(id: string, at: number): Conversation {
  return { id, title: 'New chat', createdAt: at, updatedAt: at, messages: [] };
}

/** Title = the first user message, on one line, shortened. */
export function titleFrom(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (!line) return 'New chat';
  return line.length > TITLE_LENGTH ? `${line.slice(0, TITLE_LENGTH - 1)}…` : line;
}

function updateMessage(c: Conversation, id: string, f: (m: ChatMessage) => ChatMessage): Conversation {
  const i = c.messages.findIndex((m) => m.id === id);
  if (i < 0) return c; // an event for a message we never saw (e.g. after "New chat"): ignore
  const messages = c.messages.slice();
  messages[i] = f(messages[i]);
  return { ...c, messages };
}

/** Returns the conversation after `e`; never mutates its input. */
export function applyEvent(c: Conversation, e: ConversationEvent): Conversation {
  switch (e.kind) {
    case 'userMessage': {
      const isFirst = !c.messages.some((m) => m.role === 'user');
      const message: ChatMessage = { id: e.id, role: 'user', content: e.content, state: 'done' };
      if (e.context.length) message.context = e.context.slice();
      return {
        ...c,
        title: isFirst ? titleFrom(e.content) : c.title,
        updatedAt: e.at,
        messages: [...c.messages, message],
      };
    }
    case 'assistantStart':
      return {
        ...c,
        updatedAt: e.at,
        messages: [...c.messages, { id: e.id, role: 'assistant', content: '', state: 'streaming' }],
      };
    case 'delta':
      return updateMessage(c, e.id, (m) => (m.state === 'streaming' ? { ...m, content: m.content + e.text } : m));
    case 'finish': {
      const next = updateMessage(c, e.id, (m) => {
        if (m.state !== 'streaming') return m;
        const done: ChatMessage = { ...m, state: e.state };
        // The resolved answer is authoritative when the stream completed.
        if (e.state === 'done' && e.content !== undefined && e.content !== '') done.content = e.content;
        if (e.error) done.error = e.error;
        return done;
      });
      return next === c ? c : { ...next, updatedAt: e.at };
    }
  }
}

/** After a reload nothing is streaming any more: unfinished answers count as cancelled. */
export function settleInterrupted(c: Conversation): Conversation {
  if (!c.messages.some((m) => m.state === 'streaming')) return c;
  return {
    ...c,
    messages: c.messages.map((m) => (m.state === 'streaming' ? { ...m, state: 'cancelled' as const } : m)),
  };
}

/** The turns sent to the model: user messages plus answers that have text (failed answers are left out). */
export function toTurns(c: Conversation): ChatTurn[] {
  const turns: ChatTurn[] = [];
  for (const m of c.messages) {
    if (m.role === 'assistant' && (m.state === 'error' || m.state === 'streaming' || !m.content.trim())) continue;
    turns.push({ role: m.role, content: m.content });
  }
  return turns;
}
