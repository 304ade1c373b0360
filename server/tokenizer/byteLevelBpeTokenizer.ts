// The sidecar's Tokenizer for byte-level BPE models (DeepSeek-V3/V2): encoder + decode tables + chat template.

import type { ChatMessage, Tokenizer } from './api';
import type { ChatRenderer } from './chatTemplate';
import type { EncodeText } from './hfEncoder';
import { createStreamDecoder, utf8Decoder, type StreamDecoder } from './streamDecoder';
import type { TokenizerConfig } from './tokenizerConfig';
import type { TokenTable } from './tokenTable';

export interface ByteLevelBpeParts {
  encodeText: EncodeText;
  table: TokenTable;
  config: TokenizerConfig;
  /** undefined when tokenizer_config.json has no chat_template. */
  renderChat: ChatRenderer | undefined;
  /** For errors: the directory the tokenizer came from. */
  source: string;
}

export class ByteLevelBpeTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly bosId: number | undefined;
  readonly eosId: number | undefined;
  private readonly utf8 = utf8Decoder();

  constructor(private readonly parts: ByteLevelBpeParts) {
    const { table, config, source } = parts;
    this.vocabSize = table.size;
    this.bosId = specialId(table, config.bosToken, 'bos_token', source);
    this.eosId = specialId(table, config.eosToken, 'eos_token', source);
  }

  /** addBos defaults to tokenizer_config.json's add_bos_token; BOS is not doubled when text already starts with it. */
  encode(text: string, opts?: { addBos?: boolean }): number[] {
    const ids = this.parts.encodeText(text);
    const addBos = opts?.addBos ?? this.parts.config.addBosToken;
    if (addBos && this.bosId !== undefined && ids[0] !== this.bosId) ids.unshift(this.bosId);
    return ids;
  }

  /** Ids outside the vocabulary decode to nothing (as in `tokenizers`); invalid UTF-8 becomes U+FFFD. */
  decode(ids: number[], opts?: { skipSpecial?: boolean }): string {
    return this.utf8.decode(this.parts.table.concatBytes(ids, opts?.skipSpecial ?? false));
  }

  tokenToId(token: string): number | undefined {
    return this.parts.table.id(token);
  }

  /** The token string of id as tokenizer.json writes it (byte-level alphabet, e.g. "Ġthe"), or undefined. */
  idToToken(id: number): string | undefined {
    return this.parts.table.token(id);
  }

  /** Whether id is an added token marked special (dropped by skipSpecial). */
  isSpecial(id: number): boolean {
    return this.parts.table.isSpecial(id);
  }

  applyChatTemplate(messages: ChatMessage[], opts?: { addGenerationPrompt?: boolean }): string {
    if (!this.parts.renderChat) throw new Error(`${this.parts.source}: tokenizer_config.json has no chat_template`);
    return this.parts.renderChat(messages, opts?.addGenerationPrompt ?? false);
  }

  createStreamDecoder(opts?: { skipSpecial?: boolean }): StreamDecoder {
    return createStreamDecoder(this.parts.table, opts?.skipSpecial ?? false);
  }
}

/** The id of bos/eos named in tokenizer_config.json; a name missing from the vocabulary is a broken model folder. */
function specialId(table: TokenTable, token: string | undefined, key: string, source: string): number | undefined {
  if (token === undefined) return undefined;
  const id = table.id(token);
  if (id === undefined) throw new Error(`${source}: tokenizer_config.json ${key} ${JSON.stringify(token)} is not in tokenizer.json`);
  return id;
}
