// The webview ⇄ host protocol, declared once; the host validates everything the (untrusted) webview sends.
import type { Conversation, ConversationEvent } from './conversation';

/** A context item as the webview shows it: a removable chip (the text stays host-side). */
export interface ContextChip { id: string; kind: 'selection' | 'file'; label: string }

/** One past chat in the history list. */
export interface ConversationSummary { id: string; title: string; updatedAt: number; messageCount: number }

export type HostToWebview =
  /** Everything the view shows; sent when the view (re)loads, on "New chat" and when switching chats. */
  | { type: 'snapshot'; conversation: Conversation; busy: boolean; context: ContextChip[]; history: ConversationSummary[] }
  /** One conversation step, applied with the shared reducer. */
  | { type: 'event'; conversationId: string; event: ConversationEvent }
  | { type: 'busy'; busy: boolean }
  | { type: 'context'; context: ContextChip[] }
  | { type: 'history'; history: ConversationSummary[] }
  /** Puts the cursor in the input box (after "reveal"). */
  | { type: 'focusInput' };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'send'; text: string }
  | { type: 'stop' }
  | { type: 'newChat' }
  | { type: 'removeContext'; id: string }
  | { type: 'insertCode'; code: string; languageId?: string }
  | { type: 'copyCode'; code: string }
  | { type: 'applyCode'; code: string; languageId?: string }
  | { type: 'openLink'; href: string }
  | { type: 'openConversation'; id: string }
  | { type: 'deleteConversation'; id: string };

/** Upper bounds that keep a misbehaving webview from flooding the host. */
export const MAX_PROMPT_CHARS = 200_000;
export const MAX_CODE_CHARS = 2_000_000;
const MAX_ID_CHARS = 200;
const MAX_HREF_CHARS = 8_000;
const MAX_LANGUAGE_CHARS = 100;

type Fields = Record<string, unknown>;

function str(o: Fields, key: string, max: number): string | undefined {
  const v = o[key];
  return typeof v === 'string' && v.length <= max ? v : undefined;
}

/** Optional string field: absent is fine, present must be a short string. Returns null when invalid. */
function optStr(o: Fields, key: string, max: number): string | undefined | null {
  if (o[key] === undefined || o[key] === null) return undefined;
  return str(o, key, max) ?? null;
}

/**
 * Checks a message from the webview; returns it rebuilt from known fields only, or an error string
 * naming what was wrong.
 */
export function parseWebviewMessage(raw: unknown): WebviewToHost | { error: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { error: 'webview message is not an object' };
  const o = raw as Fields;
  const type = o.type;
  const bad = (field: string) => ({ error: `webview message "${String(type)}": invalid or missing field "${field}"` });
  switch (type) {
    case 'ready':
    case 'stop':
    case 'newChat':
      return { type };
    case 'send': {
      const text = str(o, 'text', MAX_PROMPT_CHARS);
      return text === undefined ? bad('text') : { type, text };
    }
    case 'removeContext':
    case 'openConversation':
    case 'deleteConversation': {
      const id = str(o, 'id', MAX_ID_CHARS);
      return id === undefined ? bad('id') : { type, id };
    }
    case 'copyCode': {
      const code = str(o, 'code', MAX_CODE_CHARS);
      return code === undefined ? bad('code') : { type, code };
    }
    case 'insertCode':
    case 'applyCode': {
      const code = str(o, 'code', MAX_CODE_CHARS);
      if (code === undefined) return bad('code');
      const languageId = optStr(o, 'languageId', MAX_LANGUAGE_CHARS);
      if (languageId === null) return bad('languageId');
      return languageId === undefined ? { type, code } : { type, code, languageId };
    }
    case 'openLink': {
      const href = str(o, 'href', MAX_HREF_CHARS);
      return href === undefined ? bad('href') : { type, href };
    }
    default:
      return { error: `unknown webview message type ${JSON.stringify(type)?.slice(0, 80) ?? String(type)}` };
  }
}

export function isParseError(m: WebviewToHost | { error: string }): m is { error: string } {
  return 'error' in m;
}
