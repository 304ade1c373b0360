// What the active editor contributes as chat context: its selection, else the whole file (pure).
import type { ChatContextItem } from './types';
import type { ContextChip } from './messages';

/** The editor facts needed to build a context item (lines are 0-based, inclusive). */
export interface EditorSnapshot {
  uri: string;
  /** Path or name; only the last segment is shown. */
  fileName: string;
  languageId: string;
  fullText: string;
  selection?: { startLine: number; endLine: number; text: string };
}

/** Files longer than this are cut at a line boundary so one huge file cannot fill the model's window. */
export const MAX_FILE_CONTEXT_CHARS = 48_000;

export function baseName(fileName: string): string {
  const parts = fileName.split(/[\\/]/);
  return parts[parts.length - 1] || fileName;
}

export function contextItemFor(s: EditorSnapshot, maxChars = MAX_FILE_CONTEXT_CHARS): ChatContextItem | undefined {
  const name = baseName(s.fileName);
  const sel = s.selection;
  if (sel && sel.text.trim()) {
    const lines = sel.startLine === sel.endLine ? `${sel.startLine + 1}` : `${sel.startLine + 1}-${sel.endLine + 1}`;
    return { kind: 'selection', uri: s.uri, languageId: s.languageId, text: sel.text, label: `${name}:${lines}` };
  }
  if (!s.fullText.trim()) return undefined;
  if (s.fullText.length <= maxChars) {
    return { kind: 'file', uri: s.uri, languageId: s.languageId, text: s.fullText, label: name };
  }
  const cut = s.fullText.lastIndexOf('\n', maxChars);
  const text = s.fullText.slice(0, cut > 0 ? cut + 1 : maxChars);
  return { kind: 'file', uri: s.uri, languageId: s.languageId, text, label: `${name} (truncated)` };
}

/** A stable id: the same selection/file keeps its id, so a removed chip stays removed until the selection moves. */
export function chipFor(item: ChatContextItem): ContextChip {
  return { id: `${item.kind}|${item.uri}|${item.label}`, kind: item.kind, label: item.label };
}
