// Shaping a raw FIM continuation into an inline completion: how much to show and where to stop.

export type CompletionMode = 'single' | 'multi';

/** Leading whitespace of a line. */
export function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

/** Width of an indentation, tabs counting as `tabSize` columns. */
export function indentWidth(indent: string, tabSize = 4): number {
  let w = 0;
  for (const ch of indent) w += ch === '\t' ? tabSize : 1;
  return w;
}

/** True when `linePrefix` (cursor line up to the cursor) ends in something that opens a block. */
export function opensBlock(linePrefix: string): boolean {
  const t = linePrefix.trimEnd();
  return /(\{|\(|\[|:|=>|\bdo|\bthen|\bbegin)$/.test(t);
}

/**
 * Multi-line at an empty line or right after a block opener (with nothing but whitespace after the cursor);
 * single line in the middle of a line.
 */
export function completionMode(linePrefix: string, lineSuffix: string): CompletionMode {
  if (lineSuffix.trim() !== '' && !/^[\])}]*\s*;?\s*$/.test(lineSuffix)) return 'single';
  if (linePrefix.trim() === '') return 'multi';
  return opensBlock(linePrefix) ? 'multi' : 'single';
}

/** Where the completion happens: what the stopping rules look at. */
export interface CompletionContext {
  mode: CompletionMode;
  /** Cursor line up to / after the cursor. */
  linePrefix: string;
  lineSuffix: string;
  /** Document text after the cursor line (starting after its newline). */
  followingText: string;
}

/** Single-line mode: everything up to the first line break. */
export function cutAtFirstLine(text: string): { text: string; stopped: boolean } {
  const nl = text.indexOf('\n');
  return nl < 0 ? { text, stopped: false } : { text: text.slice(0, nl), stopped: true };
}

/**
 * Multi-line mode: cut before the first complete line (after the first) that is indented less than the block.
 * At an empty line the block's indent is the cursor line's; after a block opener it is deeper than that line's,
 * and the line closing that block (`}` at the opener's indent) ends the completion, included.
 * A line is judged once it has non-space text.
 */
export function cutAtDedent(text: string, linePrefix: string): { text: string; stopped: boolean } {
  const base = indentWidth(indentOf(linePrefix));
  const afterOpener = linePrefix.trim() !== '' && opensBlock(linePrefix);
  const lines = text.split('\n');
  let offset = lines[0].length + 1;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    // a line still being indented (only whitespace so far) is not judged yet
    if (line.trim() !== '') {
      const w = indentWidth(indentOf(line));
      if (afterOpener ? w <= base : w < base) {
        // the line closing the block just opened belongs to the completion (a copy of the suffix's is cut later)
        const closesOpener = afterOpener && w === base && /^[\])}]/.test(line.trim());
        if (!closesOpener) return { text: text.slice(0, offset - 1), stopped: true };
        if (i === lines.length - 1) return { text, stopped: false };
        return { text: text.slice(0, offset + line.length), stopped: true };
      }
    }
    offset += line.length + 1;
  }
  return { text, stopped: false };
}

/**
 * Cut where the completion starts repeating the code after the cursor: a complete generated line equal
 * (ignoring surrounding whitespace) to the first non-blank line of `followingText`.
 */
export function cutAtSuffixRepeat(text: string, followingText: string): { text: string; stopped: boolean } {
  // runs per generated token: find the line of the first non-blank character without splitting the whole rest of the file
  const firstFollowing = /\S[^\n]*/.exec(followingText)?.[0].trimEnd();
  if (!firstFollowing) return { text, stopped: false };
  const lines = text.split('\n');
  let offset = lines[0].length + 1;
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === firstFollowing && (i < lines.length - 1 || text.endsWith(firstFollowing))) {
      return { text: text.slice(0, offset - 1), stopped: true };
    }
    offset += lines[i].length + 1;
  }
  return { text, stopped: false };
}

/** How many more `close` than `open` brackets `text` has. */
function excessClosers(text: string, open: string, close: string): number {
  let depth = 0;
  for (const ch of text) depth += ch === close ? 1 : ch === open ? -1 : 0;
  return depth;
}

const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/**
 * Drop the end of a single-line completion that repeats what already follows the cursor (`foo(|)` + `x)` → `x`).
 * A closing bracket is only dropped when the completion closes more than it opens, so `f(x)` is kept whole.
 */
export function trimLineSuffixOverlap(text: string, lineSuffix: string): string {
  const want = lineSuffix.trim();
  const trimmed = text.trimEnd();
  if (!want) return text;
  for (let n = Math.min(want.length, trimmed.length); n > 0; n--) {
    const part = want.slice(0, n);
    if (!trimmed.endsWith(part)) continue;
    const balancedOk = [...part].every((ch) => !PAIRS[ch] || excessClosers(trimmed, PAIRS[ch], ch) > 0);
    if (balancedOk) return trimmed.slice(0, trimmed.length - n);
  }
  return text;
}

/** Remove trailing whitespace and blank lines (nothing to show there). */
export function trimTrailingBlank(text: string): string {
  return text.replace(/\s+$/, '');
}

/** Applied after every generated token: the text to keep so far and whether generation should stop. */
export function checkCompletion(text: string, ctx: CompletionContext): { text: string; stopped: boolean } {
  if (ctx.mode === 'single') return cutAtFirstLine(text);
  const dedent = cutAtDedent(text, ctx.linePrefix);
  const repeat = cutAtSuffixRepeat(dedent.text, ctx.followingText);
  return { text: repeat.text, stopped: dedent.stopped || repeat.stopped };
}

/** The final insert text of a completion. */
export function finalizeCompletion(text: string, ctx: CompletionContext): string {
  let out = checkCompletion(text, ctx).text;
  if (ctx.mode === 'single') out = trimLineSuffixOverlap(out, ctx.lineSuffix);
  return trimTrailingBlank(out);
}
