// Minimal line-granular TextEdits turning oldText into newText, so unchanged lines keep their identity.
import { diffArrays } from 'diff';
import type { Position, TextEdit } from 'vscode-languageserver-types';

/** Lines with their endings attached ("a\r\n", "b"), so an ending change is a line change. */
function linesWithEndings(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Offset where each line of text starts. */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function positionAt(lineStarts: number[], offset: number): Position {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - lineStarts[lo] };
}

export function minimalEdits(oldText: string, newText: string): TextEdit[] {
  const oldLines = linesWithEndings(oldText);
  const lineStarts = lineStartsOf(oldText);
  const edits: TextEdit[] = [];
  let offset = 0;
  let pending: { start: number; end: number; text: string } | null = null;
  const flush = () => {
    if (!pending) return;
    edits.push({ range: { start: positionAt(lineStarts, pending.start), end: positionAt(lineStarts, pending.end) }, newText: pending.text });
    pending = null;
  };
  for (const part of diffArrays(oldLines, linesWithEndings(newText))) {
    const text = part.value.join('');
    if (part.added) {
      pending ??= { start: offset, end: offset, text: '' };
      pending.text += text;
    } else if (part.removed) {
      pending ??= { start: offset, end: offset, text: '' };
      offset += text.length;
      pending.end = offset;
    } else {
      flush();
      offset += text.length;
    }
  }
  flush();
  return edits;
}

/** Applies non-overlapping edits to text (used to check the edits reproduce newText). */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const lineStarts = lineStartsOf(text);
  const offsetOf = (p: Position) => Math.min(text.length, (lineStarts[p.line] ?? text.length) + p.character);
  const sorted = [...edits].sort((a, b) => offsetOf(b.range.start) - offsetOf(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offsetOf(e.range.start)) + e.newText + out.slice(offsetOf(e.range.end));
  return out;
}
