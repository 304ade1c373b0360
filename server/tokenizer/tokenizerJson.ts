// Reads and checks tokenizer.json (Hugging Face `tokenizers` format) far enough to trust it:
// a byte-level BPE model with a vocabulary, merges and added tokens.

/** One entry of tokenizer.json's `added_tokens`: matched literally in text before BPE. */
export interface AddedTokenSpec {
  id: number;
  content: string;
  /** Dropped by decode(..., { skipSpecial: true }). */
  special: boolean;
  /** Whether matching also swallows whitespace on that side. */
  lstrip: boolean;
  rstrip: boolean;
}

export interface TokenizerJson {
  /** The whole parsed file, as the encoder library wants it. */
  raw: Record<string, unknown>;
  /** model.vocab: byte-level token string → id. */
  vocab: Record<string, number>;
  added: AddedTokenSpec[];
  /** tokenizer.json's pre_tokenizer section, to recognise known layouts. */
  preTokenizer: unknown;
}

export class TokenizerFileError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'TokenizerFileError';
  }
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** Parses tokenizer.json text; `file` names the file in every error. */
export function parseTokenizerJson(text: string, file: string): TokenizerJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TokenizerFileError(file, `not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(raw)) throw new TokenizerFileError(file, 'expected a JSON object at the top level');
  const model = raw.model;
  if (!isObject(model)) throw new TokenizerFileError(file, 'missing "model" object');
  if (model.type !== undefined && model.type !== 'BPE') {
    throw new TokenizerFileError(file, `model.type is ${JSON.stringify(model.type)}; only byte-level "BPE" is supported`);
  }
  const vocab = model.vocab;
  if (!isObject(vocab)) throw new TokenizerFileError(file, 'model.vocab must be an object of token → id');
  for (const [token, id] of Object.entries(vocab)) {
    if (!isId(id)) throw new TokenizerFileError(file, `model.vocab[${JSON.stringify(token)}] is not a non-negative integer id`);
  }
  if (!Array.isArray(model.merges)) throw new TokenizerFileError(file, 'model.merges must be an array');
  model.merges.forEach((m, i) => {
    const ok = typeof m === 'string' ? m.includes(' ') : Array.isArray(m) && m.length === 2 && m.every((p) => typeof p === 'string');
    if (!ok) throw new TokenizerFileError(file, `model.merges[${i}] must be "a b" or ["a", "b"]`);
  });
  if (!usesByteLevelDecoder(raw.decoder)) {
    throw new TokenizerFileError(file, 'decoder must be ByteLevel (only byte-level BPE tokenizers are supported)');
  }
  return { raw, vocab: vocab as Record<string, number>, added: parseAddedTokens(raw.added_tokens, file), preTokenizer: raw.pre_tokenizer };
}

function parseAddedTokens(value: unknown, file: string): AddedTokenSpec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new TokenizerFileError(file, 'added_tokens must be an array');
  return value.map((t, i) => {
    if (!isObject(t) || !isId(t.id) || typeof t.content !== 'string' || t.content === '') {
      throw new TokenizerFileError(file, `added_tokens[${i}] needs an integer "id" and a non-empty string "content"`);
    }
    return { id: t.id, content: t.content, special: t.special === true, lstrip: t.lstrip === true, rstrip: t.rstrip === true };
  });
}

function usesByteLevelDecoder(decoder: unknown): boolean {
  if (!isObject(decoder)) return false;
  if (decoder.type === 'ByteLevel') return true;
  return decoder.type === 'Sequence' && Array.isArray(decoder.decoders) && decoder.decoders.some(usesByteLevelDecoder);
}
