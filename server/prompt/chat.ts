// Chat prompts: the conversation plus the code the user attached, as plain messages for any backend.
import type { ChatTurn } from '../protocol';

export const SYSTEM_PROMPT =
  'You are DeepSeek Local, a coding assistant running on the user\'s machine inside their editor. ' +
  'Answer precisely and concisely; put code in fenced blocks with a language tag.';

/** A piece of code attached to the question, already read from its document. */
export interface AttachedCode {
  path: string;
  languageId?: string;
  /** 1-based inclusive line range when only part of the file is attached. */
  lines?: { start: number; end: number };
  text: string;
}

/** A fence longer than any backtick run inside `text`, so attached code cannot close it early. */
export function fenceFor(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  return '`'.repeat(longest + 1);
}

/** One attachment as a headed fenced block. */
export function renderAttachment(code: AttachedCode): string {
  const where = code.lines ? `${code.path} (lines ${code.lines.start}-${code.lines.end})` : code.path;
  const fence = fenceFor(code.text);
  const body = code.text.endsWith('\n') ? code.text : code.text + '\n';
  return `${where}:\n${fence}${code.languageId ?? ''}\n${body}${fence}`;
}

/**
 * The messages sent to the model: a system prompt (unless the conversation has one) and the attachments
 * placed before the text of the last user message.
 */
export function buildChatMessages(turns: ChatTurn[], attachments: AttachedCode[] = []): ChatTurn[] {
  const out: ChatTurn[] = turns.some((t) => t.role === 'system') ? [] : [{ role: 'system', content: SYSTEM_PROMPT }];
  const lastUser = turns.map((t) => t.role).lastIndexOf('user');
  turns.forEach((t, i) => {
    if (i === lastUser && attachments.length) {
      const context = attachments.map(renderAttachment).join('\n\n');
      out.push({ role: 'user', content: `${context}\n\n${t.content}` });
    } else {
      out.push({ role: t.role, content: t.content });
    }
  });
  return out;
}

/** The question of an "explain" command. */
export function explainMessages(code: AttachedCode): ChatTurn[] {
  return buildChatMessages([{ role: 'user', content: 'Explain what this code does, step by step, and point out anything surprising.' }], [code]);
}
