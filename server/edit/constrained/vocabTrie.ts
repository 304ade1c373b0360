// The vocabulary as a byte trie in flat arrays (first child / next sibling), built once per tokenizer from the
// sorted token bytes: walking it allocates nothing, which matters when REPLACE text allows almost every token.
import type { Tokenizer } from '../../tokenizer/api';
import { tokenBytes } from '../../tokenizer/byteLevel';

/** Node 0 is the root (the empty prefix). */
export const ROOT = 0;

export class VocabTrie {
  /** Bytes of each token id (undefined: special, empty, or not representable); indexed by id. */
  readonly bytesById: (Uint8Array | undefined)[];
  /** Ids whose bytes contain a newline (they may end a line of the answer). */
  readonly hasNewline: Uint8Array;
  /** Per node: first child, next sibling (-1: none), the byte of the edge into it, the token it spells (-1: none). */
  private readonly firstChild: Int32Array;
  private readonly nextSibling: Int32Array;
  private readonly edge: Uint8Array;
  private readonly token: Int32Array;
  /** Children of the root by byte (the root has up to 256). */
  private readonly rootChild = new Int32Array(256).fill(-1);
  /** Token ids in byte order: the tokens below a node are sorted[subtreeStart[node] .. subtreeEnd[node]). */
  readonly sorted: Int32Array;
  private readonly subtreeStart: Int32Array;
  private readonly subtreeEnd: Int32Array;
  /** Per sorted entry: index of the token's last CR or LF byte, -1 when it has none. */
  readonly lastBreak: Int32Array;
  /** Most newlines in one token. */
  readonly maxNewlines: number;

  constructor(bytesById: (Uint8Array | undefined)[]) {
    this.bytesById = bytesById;
    this.hasNewline = new Uint8Array(bytesById.length);
    const order: number[] = [];
    let total = 0;
    let maxNewlines = 0;
    for (let id = 0; id < bytesById.length; id++) {
      const b = bytesById[id];
      if (!b || b.length === 0) continue;
      order.push(id);
      total += b.length;
      const newlines = b.reduce((n, x) => n + (x === 0x0a ? 1 : 0), 0);
      if (newlines > 0) this.hasNewline[id] = 1;
      maxNewlines = Math.max(maxNewlines, newlines);
    }
    this.maxNewlines = maxNewlines;
    // Duplicate byte strings keep the lowest id (the tokenizer encodes to that one).
    order.sort((a, b) => compareBytes(bytesById[a]!, bytesById[b]!) || a - b);
    const cap = total + 1;
    this.firstChild = new Int32Array(cap).fill(-1);
    this.nextSibling = new Int32Array(cap).fill(-1);
    this.edge = new Uint8Array(cap);
    this.token = new Int32Array(cap).fill(-1);
    const lastChild = new Int32Array(cap).fill(-1);
    this.sorted = Int32Array.from(order);
    this.subtreeStart = new Int32Array(cap);
    this.subtreeEnd = new Int32Array(cap);
    this.subtreeEnd[ROOT] = order.length;
    this.lastBreak = Int32Array.from(order, (id) => {
      const b = bytesById[id]!;
      return Math.max(b.lastIndexOf(0x0a), b.lastIndexOf(0x0d));
    });
    let nodes = 1;
    const path = [ROOT]; // path[d] = node of the previous token's first d bytes
    let prev: Uint8Array = new Uint8Array(0);
    for (let k = 0; k < order.length; k++) {
      const id = order[k];
      const b = bytesById[id]!;
      let common = 0;
      while (common < b.length && common < prev.length && b[common] === prev[common]) common++;
      path.length = common + 1;
      for (let d = common; d < b.length; d++) {
        const parent = path[d];
        const node = nodes++;
        this.edge[node] = b[d];
        if (lastChild[parent] < 0) this.firstChild[parent] = node;
        else this.nextSibling[lastChild[parent]] = node;
        lastChild[parent] = node;
        if (parent === ROOT) this.rootChild[b[d]] = node;
        this.subtreeStart[node] = k;
        path.push(node);
      }
      for (let d = 1; d <= b.length; d++) this.subtreeEnd[path[d]] = k + 1;
      const leaf = path[b.length];
      if (this.token[leaf] < 0) this.token[leaf] = id;
      prev = b;
    }
  }

  /** The token a node spells, or -1. */
  tokenAt(node: number): number {
    return this.token[node];
  }

  /** The sorted entries of the tokens that start with node's bytes. */
  subtree(node: number): { start: number; end: number } {
    return { start: this.subtreeStart[node], end: this.subtreeEnd[node] };
  }

  /** The child of node along byte b, or -1. */
  child(node: number, b: number): number {
    if (node === ROOT) return this.rootChild[b];
    for (let c = this.firstChild[node]; c >= 0; c = this.nextSibling[c]) if (this.edge[c] === b) return c;
    return -1;
  }

  /** First child of node (-1: none); siblings follow through nextSiblingOf, in byte order. */
  firstChildOf(node: number): number {
    return this.firstChild[node];
  }

  nextSiblingOf(node: number): number {
    return this.nextSibling[node];
  }

  /** The byte on the edge into node. */
  edgeOf(node: number): number {
    return this.edge[node];
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** What the byte-level tokenizer offers beyond the Tokenizer interface (ByteLevelBpeTokenizer has both). */
interface TokenStrings {
  idToToken(id: number): string | undefined;
  isSpecial(id: number): boolean;
}

const hasTokenStrings = (t: Tokenizer): t is Tokenizer & TokenStrings =>
  typeof (t as Partial<TokenStrings>).idToToken === 'function' && typeof (t as Partial<TokenStrings>).isSpecial === 'function';

/** The bytes each id decodes to; special tokens (BOS/EOS, FIM markers) are left out: a grammar never emits them. */
export function vocabularyBytes(tokenizer: Tokenizer): (Uint8Array | undefined)[] {
  const out: (Uint8Array | undefined)[] = new Array(tokenizer.vocabSize);
  const utf8 = new TextEncoder();
  const strings = hasTokenStrings(tokenizer) ? tokenizer : undefined;
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    if (strings) {
      const s = strings.idToToken(id);
      out[id] = s === undefined || strings.isSpecial(id) ? undefined : tokenBytes(s);
    } else {
      // Without token strings a partial UTF-8 token decodes to U+FFFD and cannot be placed: leave it out.
      const s = tokenizer.decode([id], { skipSpecial: true });
      out[id] = s && !s.includes('\uFFFD') ? utf8.encode(s) : undefined;
    }
  }
  return out;
}

const cache = new WeakMap<Tokenizer, VocabTrie>();

/** The trie of a tokenizer, built once (a few hundred ms for DeepSeek-V3's vocabulary). */
export function vocabTrieFor(tokenizer: Tokenizer): VocabTrie {
  let trie = cache.get(tokenizer);
  if (!trie) {
    trie = new VocabTrie(vocabularyBytes(tokenizer));
    cache.set(tokenizer, trie);
  }
  return trie;
}
