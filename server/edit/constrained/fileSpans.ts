// The target file as the SEARCH part may quote it: its bytes, line starts, and for every start line the first
// end line at which the quoted run is unique in the whole file (what the exact rung of the matcher needs).
import { isBlank } from '../lines';

/** 1-based inclusive lines, as editPrompt's selection. */
export interface LineRegion { startLine: number; endLine: number }

/**
 * Lines a SEARCH part cannot quote faithfully: one the parser would read as a marker, a lone CR (the answer parser
 * turns it into a line break), a lone surrogate (UTF-8 cannot carry it, it would come back as U+FFFD).
 */
const UNQUOTABLE = /^\s*(?:<{5}|={5}|>{5})|\r|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export class ConstraintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConstraintError';
  }
}

export class FileSpans {
  /** Lines without their endings (CRLF read as LF, like the edit module's LineDoc). */
  readonly lines: string[];
  /** UTF-8 bytes of the lines, each ended by '\n'. */
  readonly bytes: Uint8Array;
  /** Byte offset where line i starts; lineStart[lines.length] = bytes.length. */
  readonly lineStart: Int32Array;
  /** Line index of each byte offset (offset bytes.length → lines.length). */
  readonly lineOfByte: Int32Array;
  /** 0-based inclusive line range the SEARCH part must stay in. */
  readonly first: number;
  readonly last: number;
  /** Smallest j such that lines start..j are quotable, non-blank somewhere, unique, inside the region; -1: none. */
  readonly uniqueEnd: Int32Array;
  /** Fewest bytes of any complete SEARCH part. */
  readonly shortestSearch: number;

  constructor(text: string, readonly path: string, region?: LineRegion) {
    const normalized = text.replace(/\r\n/g, '\n');
    this.lines = normalized === '' ? [] : normalized.replace(/\n$/, '').split('\n');
    const n = this.lines.length;
    this.first = region ? Math.max(0, region.startLine - 1) : 0;
    this.last = region ? Math.min(n - 1, region.endLine - 1) : n - 1;
    const utf8 = new TextEncoder();
    const encoded = this.lines.map((l) => utf8.encode(l + '\n'));
    this.lineStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) this.lineStart[i + 1] = this.lineStart[i] + encoded[i].length;
    this.bytes = new Uint8Array(this.lineStart[n]);
    this.lineOfByte = new Int32Array(this.bytes.length + 1);
    for (let i = 0; i < n; i++) {
      this.bytes.set(encoded[i], this.lineStart[i]);
      this.lineOfByte.fill(i, this.lineStart[i], this.lineStart[i + 1]);
    }
    this.lineOfByte[this.bytes.length] = n;
    this.uniqueEnd = this.computeUniqueEnds();
    let shortest = Infinity;
    for (let s = this.first; s <= this.last; s++) {
      const e = this.uniqueEnd[s];
      if (e >= 0) shortest = Math.min(shortest, this.lineStart[e + 1] - this.lineStart[s]);
    }
    if (!Number.isFinite(shortest)) {
      const where = region ? `lines ${region.startLine}-${region.endLine} of ${path}` : path;
      throw new ConstraintError(`${where}: no run of lines there is unique in the file, so no SEARCH block can quote it`);
    }
    this.shortestSearch = shortest;
  }

  quotable(line: number): boolean {
    return line >= this.first && line <= this.last && !UNQUOTABLE.test(this.lines[line]);
  }

  /** Whether the run start..end (0-based inclusive) may be a complete SEARCH part. */
  canEnd(start: number, end: number): boolean {
    const e = this.uniqueEnd[start];
    return e >= 0 && end >= e;
  }

  private computeUniqueEnds(): Int32Array {
    const n = this.lines.length;
    const out = new Int32Array(n).fill(-1);
    const byText = new Map<string, number[]>();
    this.lines.forEach((l, i) => {
      const at = byText.get(l);
      if (at) at.push(i);
      else byText.set(l, [i]);
    });
    for (let s = this.first; s <= this.last; s++) {
      if (!this.quotable(s)) continue;
      let others = byText.get(this.lines[s])!.filter((k) => k !== s);
      let nonBlank = !isBlank(this.lines[s]);
      for (let j = s; ; ) {
        if (others.length === 0 && nonBlank) { out[s] = j; break; }
        j++;
        if (j > this.last || !this.quotable(j)) break;
        nonBlank ||= !isBlank(this.lines[j]);
        const off = j - s;
        others = others.filter((k) => k + off < n && this.lines[k + off] === this.lines[j]);
      }
    }
    return out;
  }
}

/** The file text after lines start..end (0-based inclusive) became `replacement` (what the matcher will produce). */
export function replaceLines(spans: FileSpans, start: number, end: number, replacement: string[]): string {
  const lines = [...spans.lines.slice(0, start), ...replacement, ...spans.lines.slice(end + 1)];
  return lines.length ? lines.join('\n') + '\n' : '';
}
