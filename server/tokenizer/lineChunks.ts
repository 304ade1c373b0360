// Keystroke-speed encoding: between two requests a prompt changes in one place, so encode it in
// line chunks that no pre-token can straddle and reuse the ids of every chunk that did not change.
//
// Why the cut is safe (DeepSeek-V3 pre-tokenizer: \p{N}{1,3} | CJK runs | the main regex below):
// cut at i when text[i-1] is "\n" and text[i..] is [ \t]* then a printable ASCII char. No Split
// match holds a newline followed by a non-whitespace char, and in a whitespace run the alternative
// `\s*[\r\n]+` (tried before `\s+(?!\S)`) always ends right after the run's last newline, so every
// pre-token ends at or before i; the lookahead only looks forward, so chunk i.. sees the same text.

import { isDeepStrictEqual } from 'node:util';
import type { EncodeText } from './hfEncoder';
import type { AddedTokenSpec } from './tokenizerJson';

/** DeepSeek-V3's tokenizer.json pre_tokenizer, for which the cut above has been worked out. */
const DEEPSEEK_V3_PRE_TOKENIZER = {
  type: 'Sequence',
  pretokenizers: [
    { type: 'Split', pattern: { Regex: '\\p{N}{1,3}' }, behavior: 'Isolated', invert: false },
    { type: 'Split', pattern: { Regex: '[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+' }, behavior: 'Isolated', invert: false },
    {
      type: 'Split',
      pattern: { Regex: "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+" },
      behavior: 'Isolated',
      invert: false,
    },
    { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
  ],
};

/** Whether line chunking gives the same ids as encoding whole texts for this tokenizer. */
export function supportsLineChunks(preTokenizer: unknown, added: AddedTokenSpec[]): boolean {
  // An added token holding a newline, or swallowing whitespace around it, could straddle a cut.
  const addedSafe = added.every((t) => !/[\r\n]/.test(t.content) && !t.lstrip && !t.rstrip);
  return addedSafe && isDeepStrictEqual(preTokenizer, DEEPSEEK_V3_PRE_TOKENIZER);
}

/** Start offsets of the chunks of text (always begins with 0). */
export function lineChunkStarts(text: string): number[] {
  const starts = [0];
  for (let nl = text.indexOf('\n'); nl !== -1 && nl + 1 < text.length; nl = text.indexOf('\n', nl + 1)) {
    let j = nl + 1;
    while (j < text.length && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x09)) j++;
    const c = j < text.length ? text.charCodeAt(j) : 0;
    if (c > 0x20 && c < 0x7f) starts.push(nl + 1);
  }
  return starts;
}

/**
 * Wraps encode with a cache of chunk → ids. Two generations of `capacity` chunks each: a chunk
 * used in the last two generations stays, the rest are dropped together (cheaper than an LRU list).
 */
export function withLineChunkCache(encode: EncodeText, capacity = 16_384): EncodeText {
  let current = new Map<string, readonly number[]>();
  let previous = new Map<string, readonly number[]>();
  const chunkIds = (chunk: string): readonly number[] => {
    let ids = current.get(chunk);
    if (ids === undefined) {
      ids = previous.get(chunk) ?? encode(chunk);
      if (current.size >= capacity) { previous = current; current = new Map(); }
      current.set(chunk, ids);
    }
    return ids;
  };
  return (text) => {
    const starts = lineChunkStarts(text);
    const out: number[] = [];
    for (let k = 0; k < starts.length; k++) {
      for (const id of chunkIds(text.slice(starts[k], starts[k + 1] ?? text.length))) out.push(id);
    }
    return out;
  };
}
