// Applies LSP text edits to a string: the proposed document shown on the right side of the diff.
import type { Position, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';

/** Offset of an LSP position (UTF-16 character within line) in `text`; clamped like VS Code does. */
export function offsetAt(text: string, lineStarts: readonly number[], pos: Position): number {
  if (pos.line >= lineStarts.length) return text.length;
  const start = lineStarts[pos.line]!;
  const nextStart = pos.line + 1 < lineStarts.length ? lineStarts[pos.line + 1]! : text.length;
  // The end of a line is before its line break.
  let lineEnd = nextStart;
  if (lineEnd > start && text[lineEnd - 1] === '\n') lineEnd--;
  if (lineEnd > start && text[lineEnd - 1] === '\r') lineEnd--;
  return Math.min(start + Math.max(0, pos.character), lineEnd);
}

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** Result of applying non-overlapping `edits` (all against the original text) to `text`. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStartsOf(text);
  const spans = edits
    .map((e, i) => ({ start: offsetAt(text, starts, e.range.start), end: offsetAt(text, starts, e.range.end), newText: e.newText, i }))
    .sort((a, b) => a.start - b.start || a.end - b.end || a.i - b.i);
  let out = '';
  let at = 0;
  for (const s of spans) {
    if (s.start < at || s.end < s.start) throw new Error('the edit has overlapping or inverted ranges');
    out += text.slice(at, s.start) + s.newText;
    at = s.end;
  }
  return out + text.slice(at);
}

/** The text edits a WorkspaceEdit makes to one document (either shape: documentChanges or changes). */
export function editsForDocument(edit: WorkspaceEdit, uri: string): TextEdit[] {
  const out: TextEdit[] = [];
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === uri) {
      for (const e of change.edits) out.push({ range: e.range, newText: e.newText });
    }
  }
  for (const e of edit.changes?.[uri] ?? []) out.push(e);
  return out;
}

/** URIs a WorkspaceEdit touches besides `uri` (the client refuses edits that reach other files). */
export function otherDocuments(edit: WorkspaceEdit, uri: string): string[] {
  const uris = new Set<string>();
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change) uris.add(change.textDocument.uri);
    else if ('uri' in change) uris.add(change.uri);
    else uris.add(change.oldUri);
  }
  for (const u of Object.keys(edit.changes ?? {})) uris.add(u);
  uris.delete(uri);
  return [...uris];
}
