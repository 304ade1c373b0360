// Constrained decoding of SEARCH/REPLACE answers: at each step only the tokens whose bytes keep the output inside
// the block grammar are allowed, found by walking the vocabulary trie along the automaton (never all 129k tokens).
import type { TokenConstraint } from '../../engine/api';
import { isElisionLine } from '../match/elision';
import { findRuns } from '../match/ladder';
import { BlockGrammar, DIVIDER, HEAD, TAIL, WIDE } from './blockGrammar';
import { ConstraintError, FileSpans, replaceLines } from './fileSpans';
import { ROOT, type VocabTrie } from './vocabTrie';

export interface SearchReplaceOptions {
  /** The generation budget: near its end the grammar is steered to the shortest way to finish. */
  maxTokens: number;
  /** Blocks the answer may have (default 1); after the first, EOS may end the answer. */
  maxBlocks?: number;
  /** REPLACE lines per block before the tail is forced (default 200). */
  maxReplaceLines?: number;
  /** The end-of-sequence id allowed between blocks. */
  eosId?: number;
}

/** Tokens allowed from a state set, with the fewest bytes still needed after each. */
interface Candidates {
  ids: Int32Array;
  dists: Int32Array;
  maxDist: number;
  /** Indexes (into ids) of the tokens holding a newline: only they can complete a REPLACE line. */
  newlines: Int32Array;
}

/** Where the automaton is between two bytes. */
interface Position { states: number[]; searched: number }

const NL = 0x0a;
const utf8 = new TextDecoder();
/** Walk results for state sets that do not depend on the file (divider, REPLACE, tail), shared by every answer. */
const shared = new WeakMap<VocabTrie, Map<string, Candidates>>();
/** Entries kept (least recently used go first): one holds up to ~1 MB (every token id and its distance). */
const CACHE_LIMIT = 48;

export class SearchReplaceConstraint implements TokenConstraint {
  private grammar: BlockGrammar;
  private spans: FileSpans;
  private pos: Position;
  private produced = 0;
  private blocks = 0;
  private eosAllowed = false;
  private finished = false;
  /** Bytes of the current output line (the elision guard reads whole REPLACE lines). */
  private line: number[] = [];
  /** Bytes of the current block (to know the file the next block quotes). */
  private block: number[] = [];
  private readonly cache: Map<string, Candidates>;
  private readonly maxBlocks: number;
  private readonly maxReplaceLines: number;

  constructor(private readonly trie: VocabTrie, spans: FileSpans, private readonly opts: SearchReplaceOptions) {
    if (!(opts.maxTokens > 0)) throw new RangeError(`maxTokens must be positive, got ${opts.maxTokens}`);
    this.maxBlocks = opts.maxBlocks ?? 1;
    this.maxReplaceLines = opts.maxReplaceLines ?? 200;
    this.spans = spans;
    this.grammar = new BlockGrammar(spans, this.maxReplaceLines);
    this.pos = { states: [this.grammar.start], searched: -1 };
    let cache = shared.get(trie);
    if (!cache) shared.set(trie, (cache = new Map()));
    this.cache = cache;
  }

  get done(): boolean {
    return this.finished;
  }

  /** Blocks completed so far. */
  get completedBlocks(): number {
    return this.blocks;
  }

  /** Ids that may come next within the remaining budget (EOS included where the answer may end). */
  allowed(): Int32Array {
    if (this.finished) return new Int32Array(0);
    const { ids, dists, maxDist } = this.candidates();
    const eos = this.eosAllowed && this.opts.eosId !== undefined ? [this.opts.eosId] : [];
    const left = this.opts.maxTokens - this.produced - 1; // tokens after this one
    if (maxDist <= left && eos.length === 0) return ids;
    let limit = left;
    // Over budget whatever we do (maxTokens too small): head for the end by the shortest way.
    if (eos.length === 0 && !dists.some((d) => d <= left)) limit = dists.reduce((m, d) => Math.min(m, d), Infinity);
    const out: number[] = [];
    for (let i = 0; i < ids.length; i++) if (dists[i] <= limit) out.push(ids[i]);
    return Int32Array.from(out.concat(eos));
  }

  /** Whether the token's bytes continue the answer inside the grammar (budget aside): the check advance makes. */
  fits(id: number): boolean {
    if (this.finished) return false;
    if (this.eosAllowed && id === this.opts.eosId) return true;
    const bytes = this.trie.bytesById[id];
    return !!bytes && this.run(this.pos, bytes, this.line) !== undefined;
  }

  mask(logits: Float32Array): void {
    const ids = this.allowed();
    if (ids.length === 0) throw new Error('SEARCH/REPLACE constraint: no token of the vocabulary can continue the answer');
    const kept = new Float32Array(ids.length);
    for (let i = 0; i < ids.length; i++) kept[i] = logits[ids[i]];
    logits.fill(-Infinity);
    for (let i = 0; i < ids.length; i++) logits[ids[i]] = kept[i];
  }

  advance(id: number): void {
    if (this.finished) throw new Error(`SEARCH/REPLACE constraint: token ${id} after the answer was complete`);
    this.produced++;
    if (this.eosAllowed && id === this.opts.eosId) { this.finished = true; return; }
    const bytes = this.trie.bytesById[id];
    const next = bytes && this.run(this.pos, bytes, this.line);
    if (!next) throw new Error(`SEARCH/REPLACE constraint: token ${id} (${JSON.stringify(bytes ? utf8.decode(bytes) : '')}) does not fit the answer grammar here`);
    this.pos = next;
    this.eosAllowed = false;
    for (const b of bytes) {
      this.block.push(b);
      if (b === NL) this.line = [];
      else this.line.push(b);
    }
    if (this.pos.states.length === 1 && this.pos.states[0] === this.grammar.end) this.endBlock();
  }

  /** Steps the position over bytes; undefined when they leave the grammar. `line`: the output line before them. */
  private run(from: Position, bytes: Uint8Array, line: readonly number[]): Position | undefined {
    let { states, searched } = from;
    let current = [...line];
    for (const b of bytes) {
      let sources = states;
      // A REPLACE line that reads as an elision ("...", "// ... existing code ...") would be merged, not copied.
      if (b === NL && states.some((s) => this.grammar.isReplace(s)) && isElisionLine(utf8.decode(Uint8Array.from(current)))) {
        sources = states.filter((s) => !this.grammar.isReplace(s));
      }
      const out: number[] = [];
      for (const s of sources) this.grammar.step(s, b, searched, out);
      if (out.length === 0) return undefined;
      searched = searched >= 0 ? searched + 1 : states.includes(this.grammar.headLast) && b === NL ? 0 : -1;
      states = out;
      if (b === NL) current = [];
      else current.push(b);
    }
    return { states, searched };
  }

  /** Allowed ids from the current position (walk of the trie, then the elision guard on tokens ending a line). */
  private candidates(): Candidates {
    const { states } = this.pos;
    const key = this.cacheKey(states);
    let found = key === undefined ? undefined : this.cached(key);
    if (!found) {
      found = this.walk();
      if (key !== undefined) this.remember(key, found);
    }
    if (!states.some((s) => this.grammar.isReplace(s) || this.grammar.isDivider(s))) return found;
    // The walk ignores the elision guard (it needs the line's text): re-run the tokens that may end such a line.
    // Lines of only indentation recur (every new line), so their filtered lists are kept too.
    const indentOnly = key !== undefined && firstNonSpace(this.line) === undefined;
    const lineKey = indentOnly ? `${key}|${this.line.length}:${this.line.join('')}` : undefined;
    const kept = lineKey === undefined ? undefined : this.cached(lineKey);
    if (kept) return kept;
    const drop = new Set<number>();
    for (const i of found.newlines) {
      const bytes = this.trie.bytesById[found.ids[i]]!;
      if (this.mayEndElision(bytes) && !this.run(this.pos, bytes, this.line)) drop.add(i);
    }
    let result = found;
    if (drop.size > 0) {
      const ids: number[] = [];
      const dists: number[] = [];
      for (let i = 0; i < found.ids.length; i++) if (!drop.has(i)) { ids.push(found.ids[i]); dists.push(found.dists[i]); }
      result = candidateList(ids, dists, this.trie);
    }
    if (lineKey !== undefined) this.remember(lineKey, result);
    return result;
  }

  private cached(key: string): Candidates | undefined {
    const hit = this.cache.get(key);
    if (hit) { this.cache.delete(key); this.cache.set(key, hit); } // now the most recently used
    return hit;
  }

  private remember(key: string, value: Candidates): void {
    this.cache.set(key, value);
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= CACHE_LIMIT) break;
      this.cache.delete(oldest);
    }
  }

  /** Whether a line this token completes (the current one, or one inside it) reads as an elision marker. */
  private mayEndElision(bytes: Uint8Array): boolean {
    let from = 0;
    let prefix: readonly number[] = this.line;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] !== NL) continue;
      // cheap test first: elision lines start with "...", "…" or a comment marker (after whitespace, which may be
      // multi-byte: any non-ASCII lead byte gets the full test)
      const lead = firstNonSpace(prefix) ?? firstNonSpace(bytes.subarray(from, i));
      if (lead !== undefined && (lead >= 0x80 || ELISION_LEADS.has(lead)) && isElisionLine(utf8.decode(Uint8Array.from([...prefix, ...bytes.subarray(from, i)])))) return true;
      from = i + 1;
      prefix = [];
    }
    return false;
  }

  /** Cache key of a state set whose walk does not depend on the file; undefined for HEAD and SEARCH sets. */
  private cacheKey(states: number[]): string | undefined {
    const names: string[] = [];
    for (const s of states) {
      const name = this.grammar.fileFreeName(s, this.trie.maxNewlines);
      if (name === undefined) return undefined;
      names.push(name);
    }
    return names.join(',');
  }

  /** Depth-first over the trie, stepping the automaton along each edge; per-depth state arrays are reused. */
  private walk(): Candidates {
    const ids: number[] = [];
    const dists: number[] = [];
    const g = this.grammar;
    const trie = this.trie;
    const levels: number[][] = [this.pos.states];
    const searchedAt: number[] = [this.pos.searched];
    const visit = (node: number, depth: number): void => {
      const states = levels[depth];
      const searched = searchedAt[depth];
      if (states.length === 1 && g.isFreeReplace(states[0])) return this.insideLine(node, depth, states, ids, dists);
      const id = trie.tokenAt(node);
      if (id >= 0) {
        let d = Infinity;
        for (const s of states) d = Math.min(d, g.dist(s, searched));
        ids.push(id);
        dists.push(d);
      }
      const wide = states.some((s) => g.expects(s) === WIDE);
      const next = (levels[depth + 1] ??= []);
      const headDone = searched < 0 && states.includes(g.headLast);
      const follow = (child: number, from: number[]): void => {
        const b = trie.edgeOf(child);
        next.length = 0;
        for (const s of from) g.step(s, b, searched, next);
        if (next.length === 0) return;
        searchedAt[depth + 1] = searched >= 0 ? searched + 1 : headDone && b === NL ? 0 : -1;
        visit(child, depth + 1);
      };
      if (wide) {
        for (let c = trie.firstChildOf(node); c >= 0; c = trie.nextSiblingOf(c)) follow(c, states);
        return;
      }
      // Every state wants one byte: look up one child per distinct byte and step only the states that want it.
      const byByte = new Map<number, number[]>();
      for (const s of states) {
        const e = g.expects(s);
        if (e < 0) continue;
        const group = byByte.get(e);
        if (group) group.push(s);
        else byByte.set(e, [s]);
      }
      for (const [b, group] of byByte) {
        const child = trie.child(node, b);
        if (child >= 0) follow(child, group);
      }
    };
    visit(ROOT, 0);
    return candidateList(ids, dists, this.trie);
  }

  /**
   * Below a node reached inside a REPLACE line every token fits up to its first line break: take the plain ones
   * wholesale and step only the rest (the subtree is not walked node by node).
   */
  private insideLine(node: number, depth: number, states: number[], ids: number[], dists: number[]): void {
    const trie = this.trie;
    const { start, end } = trie.subtree(node);
    const plainDist = this.grammar.dist(states[0], -1);
    for (let k = start; k < end; k++) {
      const id = trie.sorted[k];
      if (trie.lastBreak[k] < depth) { ids.push(id); dists.push(plainDist); continue; }
      let now = states;
      for (const b of trie.bytesById[id]!.subarray(depth)) {
        const out: number[] = [];
        for (const s of now) this.grammar.step(s, b, -1, out);
        now = out;
        if (!now.length) break;
      }
      if (!now.length) continue;
      ids.push(id);
      dists.push(Math.min(...now.map((s) => this.grammar.dist(s, -1))));
    }
  }

  /** A block is complete: stop, or prepare the next block against the file as this one leaves it. */
  private endBlock(): void {
    this.blocks++;
    const text = utf8.decode(Uint8Array.from(this.block));
    this.block = [];
    if (this.blocks >= this.maxBlocks) { this.finished = true; return; }
    const body = text.slice(HEAD.length, text.length - TAIL.length);
    const cut = body.indexOf('\n' + DIVIDER) + 1;
    const search = body.slice(0, cut).replace(/\n$/, '').split('\n');
    const rest = body.slice(cut + DIVIDER.length);
    const replace = rest === '' ? [] : rest.replace(/\n$/, '').split('\n');
    const start = findRuns(this.spans.lines, search, (a, b) => a === b, this.spans.first)[0];
    if (start === undefined) throw new Error('SEARCH/REPLACE constraint: internal error, a completed SEARCH part is not in the file');
    const region = { startLine: this.spans.first + 1, endLine: this.spans.last + 1 + replace.length - search.length };
    try {
      this.spans = new FileSpans(replaceLines(this.spans, start, start + search.length - 1, replace), this.spans.path, region);
    } catch (e) {
      if (e instanceof ConstraintError) { this.finished = true; return; } // nothing left to quote
      throw e;
    }
    this.grammar = new BlockGrammar(this.spans, this.maxReplaceLines);
    this.pos = { states: [this.grammar.start], searched: -1 };
    this.eosAllowed = true;
  }
}

/** First bytes of the lines isElisionLine accepts: '.', '…' (0xE2…), and the comment openers / # - ; * < {. */
const ELISION_LEADS = new Set([0x2e, 0xe2, 0x2f, 0x23, 0x2d, 0x3b, 0x2a, 0x3c, 0x7b]);

/** Tab, vertical tab, form feed, space: the ASCII whitespace a REPLACE line can hold (CR and LF cannot). */
const ASCII_BLANK = new Set([0x09, 0x0b, 0x0c, 0x20]);

function firstNonSpace(bytes: ArrayLike<number>): number | undefined {
  for (let i = 0; i < bytes.length; i++) if (!ASCII_BLANK.has(bytes[i])) return bytes[i];
  return undefined;
}

function candidateList(ids: number[], dists: number[], trie: VocabTrie): Candidates {
  const newlines: number[] = [];
  let maxDist = -Infinity;
  for (let i = 0; i < ids.length; i++) {
    if (trie.hasNewline[ids[i]]) newlines.push(i);
    if (dists[i] > maxDist) maxDist = dists[i];
  }
  return { ids: Int32Array.from(ids), dists: Int32Array.from(dists), maxDist, newlines: Int32Array.from(newlines) };
}
