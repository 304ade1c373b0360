// Text → ids through `@huggingface/tokenizers` (pure JS): checked to give exactly the Rust
// `tokenizers` ids on DeepSeek-V3's tokenizer.json (Split regexes + ByteLevel, merges, added tokens),
// with its own per-word BPE cache.

import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { TokenizerFileError, type TokenizerJson } from './tokenizerJson';

export type EncodeText = (text: string) => number[];

/** Builds the encoder; `file` names tokenizer.json in errors the library raises on odd content. */
export function createHfEncoder(json: TokenizerJson, config: Record<string, unknown>, file: string): EncodeText {
  let hf: HfTokenizer;
  try {
    hf = new HfTokenizer(json.raw, config);
  } catch (err) {
    throw new TokenizerFileError(file, `cannot build the tokenizer (${(err as Error).message})`);
  }
  // BOS is added by our Tokenizer (from tokenizer_config.json), never by the library's post-processor.
  return (text) => hf.encode(text, { add_special_tokens: false }).ids;
}
