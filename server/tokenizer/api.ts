// What the rest of the sidecar needs from a tokenizer (implemented in server/tokenizer/).

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface Tokenizer {
  readonly vocabSize: number;
  readonly bosId: number | undefined;
  readonly eosId: number | undefined;
  /**
   * Text → ids. Special/added tokens written literally in `text` (e.g. "<｜fim▁hole｜>") map to their ids.
   * addBos defaults to tokenizer_config.json's add_bos_token; BOS is not added twice when `text` already
   * starts with it (as a rendered chat template does).
   */
  encode(text: string, opts?: { addBos?: boolean }): number[];
  /** ids → text; special tokens are dropped when skipSpecial is true. */
  decode(ids: number[], opts?: { skipSpecial?: boolean }): string;
  /** Id of a vocabulary or added token written exactly, or undefined. */
  tokenToId(token: string): number | undefined;
  /** Renders tokenizer_config.json's chat_template (Jinja) for these messages. */
  applyChatTemplate(messages: ChatMessage[], opts?: { addGenerationPrompt?: boolean }): string;
  /** Streaming detokenizer: feed ids one at a time, get the text that is complete so far (no split UTF-8). */
  createStreamDecoder(opts?: { skipSpecial?: boolean }): { push(id: number): string; flush(): string };
}
