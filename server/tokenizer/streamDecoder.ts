// Incremental detokenizer: a character split across tokens (CJK, emoji) is held back until its
// last byte arrives, so a UI never shows a half character or a stray U+FFFD.

import type { TokenTable } from './tokenTable';

export interface StreamDecoder {
  /** Adds one id; returns the text completed by it (possibly ''). */
  push(id: number): string;
  /** Ends the stream: returns what is left (an incomplete trailing character becomes U+FFFD). */
  flush(): string;
}

/** A UTF-8 decoder that keeps a leading U+FEFF as text (the default would swallow it as a BOM). */
export function utf8Decoder(): TextDecoder {
  return new TextDecoder('utf-8', { ignoreBOM: true });
}

export function createStreamDecoder(table: TokenTable, skipSpecial: boolean): StreamDecoder {
  // TextDecoder's streaming mode buffers incomplete sequences and replaces invalid ones exactly as
  // a one-shot decode of all the bytes would, so the pieces always add up to decode(ids).
  let utf8 = utf8Decoder();
  return {
    push(id: number): string {
      if (skipSpecial && table.isSpecial(id)) return '';
      return utf8.decode(table.bytes(id), { stream: true });
    },
    flush(): string {
      const rest = utf8.decode();
      utf8 = utf8Decoder();
      return rest;
    },
  };
}
