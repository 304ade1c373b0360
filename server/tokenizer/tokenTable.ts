// id ↔ token string ↔ bytes, for decoding: every token's bytes packed in one pool (128k small arrays would cost more).

import { writeTokenBytes } from './byteLevel';
import type { AddedTokenSpec } from './tokenizerJson';

export class TokenTable {
  /** One past the largest id (vocabulary + added tokens). */
  readonly size: number;
  private readonly tokens: (string | undefined)[];
  /** Added tokens by text; vocabulary tokens are looked up in tokenizer.json's own vocab object. */
  private readonly addedIds = new Map<string, number>();
  private readonly special: Uint8Array;
  private readonly pool: Uint8Array;
  /** Bytes of id i are pool[offsets[i] .. offsets[i+1]). */
  private readonly offsets: Int32Array;

  constructor(private readonly vocab: Record<string, number>, added: AddedTokenSpec[]) {
    let size = 0;
    for (const id of Object.values(vocab)) size = Math.max(size, id + 1);
    for (const t of added) size = Math.max(size, t.id + 1);
    this.size = size;
    this.tokens = new Array<string | undefined>(size);
    this.special = new Uint8Array(size);
    let room = 0;
    for (const token in vocab) { this.tokens[vocab[token]] = token; room += 3 * token.length; }
    // Added tokens win over a vocabulary entry with the same id or text, as in `tokenizers`.
    for (const t of added) {
      this.tokens[t.id] = t.content;
      this.addedIds.set(t.content, t.id);
      this.special[t.id] = t.special ? 1 : 0;
      room += 3 * t.content.length;
    }
    const pool = new Uint8Array(room);
    this.offsets = new Int32Array(size + 1);
    let at = 0;
    for (let id = 0; id < size; id++) {
      const token = this.tokens[id];
      if (token !== undefined) at = writeTokenBytes(token, pool, at);
      this.offsets[id + 1] = at;
    }
    this.pool = pool.slice(0, at);
  }

  token(id: number): string | undefined {
    return this.tokens[id];
  }

  id(token: string): number | undefined {
    const added = this.addedIds.get(token);
    if (added !== undefined) return added;
    return Object.prototype.hasOwnProperty.call(this.vocab, token) ? this.vocab[token] : undefined;
  }
  isSpecial(id: number): boolean {
    return this.special[id] === 1;
  }

  /** The bytes id stands for; empty for ids outside the vocabulary (a model's padded embedding rows). */
  bytes(id: number): Uint8Array {
    if (!Number.isInteger(id) || id < 0 || id >= this.size) return new Uint8Array(0);
    return this.pool.subarray(this.offsets[id], this.offsets[id + 1]);
  }

  /** Concatenated bytes of ids, without the special ones when skipSpecial. */
  concatBytes(ids: readonly number[], skipSpecial: boolean): Uint8Array {
    let total = 0;
    for (const id of ids) if (!(skipSpecial && this.isSpecial(id))) total += this.bytes(id).length;
    const out = new Uint8Array(total);
    let at = 0;
    for (const id of ids) {
      if (skipSpecial && this.isSpecial(id)) continue;
      const b = this.bytes(id);
      out.set(b, at);
      at += b.length;
    }
    return out;
  }
}
