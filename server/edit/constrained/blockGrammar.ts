// One SEARCH/REPLACE block as a nondeterministic byte automaton whose states are small integers:
//   "<<<<<<< SEARCH\n" · SEARCH (whole lines of the file, a unique run inside the region) · "=======\n"
//   · REPLACE (at most maxReplaceLines lines, none readable as a marker) · ">>>>>>> REPLACE\n"
// SEARCH states are byte offsets into the file; each literal offset and each REPLACE line state has its own id.
import type { FileSpans } from './fileSpans';
import { FREE, LINE_START, LINE_STATES, lineStep } from './replaceLine';

export const HEAD = '<<<<<<< SEARCH\n';
export const DIVIDER = '=======\n';
export const TAIL = '>>>>>>> REPLACE\n';

/** expects(): the state takes (almost) any byte. */
export const WIDE = -2;
const NL = 0x0a;
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

export class BlockGrammar {
  private readonly head = ascii(HEAD);
  private readonly divider = ascii(DIVIDER);
  private readonly tail = ascii(TAIL);
  private readonly headBase: number;
  private readonly dividerBase: number;
  private readonly tailBase: number;
  /** The block is complete. */
  readonly end: number;
  private readonly replaceBase: number;
  /** SEARCH start states: the first byte of every line a complete SEARCH part can start at. */
  private readonly searchStarts: number[] = [];

  constructor(readonly spans: FileSpans, readonly maxReplaceLines: number) {
    const n = spans.bytes.length;
    this.headBase = n + 1;
    this.dividerBase = this.headBase + this.head.length;
    this.tailBase = this.dividerBase + this.divider.length;
    this.end = this.tailBase + this.tail.length;
    this.replaceBase = this.end + 1;
    for (let s = spans.first; s <= spans.last; s++) if (spans.uniqueEnd[s] >= 0) this.searchStarts.push(spans.lineStart[s]);
  }

  /** The state before the block's first byte. */
  get start(): number {
    return this.headBase;
  }

  /** The state whose next byte ends the HEAD line (SEARCH bytes are counted from there). */
  get headLast(): number {
    return this.headBase + this.head.length - 1;
  }

  isSearch(state: number): boolean {
    return state < this.headBase;
  }

  isReplace(state: number): boolean {
    return state >= this.replaceBase;
  }

  /**
   * A name for a state whose future does not depend on the file (divider, REPLACE, tail), the same in every
   * grammar; undefined for HEAD and SEARCH states. REPLACE line counts further than `horizon` lines from the
   * limit share one name (no token can reach the limit from there).
   */
  fileFreeName(state: number, horizon: number): string | undefined {
    if (state < this.dividerBase) return undefined;
    // the divider leads into REPLACE: its future depends on the line limit too
    if (state < this.tailBase) return `d${state - this.dividerBase}.${this.maxReplaceLines > horizon ? '*' : this.maxReplaceLines}`;
    if (state <= this.end) return `t${state - this.tailBase}`;
    const r = state - this.replaceBase;
    const left = this.maxReplaceLines - Math.floor(r / LINE_STATES);
    return `r${left > horizon ? '*' : left}.${r % LINE_STATES}`;
  }

  /** A REPLACE state past its line's leading whitespace: every byte but CR and LF keeps it as it is. */
  isFreeReplace(state: number): boolean {
    return state >= this.replaceBase && (state - this.replaceBase) % LINE_STATES === FREE;
  }

  isDivider(state: number): boolean {
    return state >= this.dividerBase && state < this.tailBase;
  }

  /** States after byte b, appended to out. searched: SEARCH bytes before b (search states only). */
  step(state: number, b: number, searched: number, out: number[]): void {
    const { spans } = this;
    if (state < this.headBase) {
      if (spans.bytes[state] !== b) return;
      if (b !== NL) { out.push(state + 1); return; }
      const line = spans.lineOfByte[state];
      const first = spans.lineOfByte[state - searched];
      if (spans.canEnd(first, line)) out.push(this.dividerBase);
      if (spans.quotable(line + 1) && spans.uniqueEnd[first] >= 0) out.push(state + 1);
      return;
    }
    if (state < this.dividerBase) {
      const k = state - this.headBase;
      if (this.head[k] !== b) return;
      if (k + 1 < this.head.length) out.push(state + 1);
      else out.push(...this.searchStarts);
      return;
    }
    if (state < this.tailBase) {
      const k = state - this.dividerBase;
      if (this.divider[k] !== b) return;
      if (k + 1 < this.divider.length) out.push(state + 1);
      else this.replaceLineStart(0, out);
      return;
    }
    if (state < this.end) {
      const k = state - this.tailBase;
      if (this.tail[k] === b) out.push(k + 1 < this.tail.length ? state + 1 : this.end);
      return;
    }
    if (state === this.end) return;
    const r = state - this.replaceBase;
    const lines = Math.floor(r / LINE_STATES);
    if (b === NL) { this.replaceLineStart(lines + 1, out); return; }
    const next = lineStep(r % LINE_STATES, b);
    if (next >= 0) out.push(this.replaceBase + lines * LINE_STATES + next);
  }

  /** A new line after `lines` complete REPLACE lines: another one (while allowed) or the tail. */
  private replaceLineStart(lines: number, out: number[]): void {
    if (lines < this.maxReplaceLines) out.push(this.replaceBase + lines * LINE_STATES + LINE_START);
    out.push(this.tailBase);
  }

  /** The one byte the state accepts, WIDE (REPLACE text), or -1 (the block is complete). */
  expects(state: number): number {
    if (state < this.headBase) return this.spans.bytes[state];
    if (state < this.dividerBase) return this.head[state - this.headBase];
    if (state < this.tailBase) return this.divider[state - this.dividerBase];
    if (state < this.end) return this.tail[state - this.tailBase];
    return state === this.end ? -1 : WIDE;
  }

  /** Fewest bytes from the state to the end of the block. searched: SEARCH bytes so far (search states only). */
  dist(state: number, searched: number): number {
    const { spans } = this;
    const afterSearch = this.divider.length + this.tail.length;
    if (state < this.headBase) {
      const first = spans.lineOfByte[state - searched];
      const target = spans.lineStart[spans.uniqueEnd[first] + 1];
      return Math.max(target, spans.lineStart[spans.lineOfByte[state] + 1]) - state + afterSearch;
    }
    if (state < this.dividerBase) return this.dividerBase - state + spans.shortestSearch + afterSearch;
    if (state < this.tailBase) return this.tailBase - state + this.tail.length;
    if (state <= this.end) return this.end - state;
    return 1 + this.tail.length;
  }
}
