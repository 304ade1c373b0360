// Reads tokenizer_config.json: which tokens open/close a sequence and how chats are laid out.

import { isObject, TokenizerFileError } from './tokenizerJson';

export interface TokenizerConfig {
  bosToken: string | undefined;
  eosToken: string | undefined;
  /** Whether encode() prepends BOS by default (Hugging Face's `add_bos_token`). */
  addBosToken: boolean;
  /** Jinja source of the default chat template, if the file has one. */
  chatTemplate: string | undefined;
  /** The whole parsed file (the encoder library reads a few more keys). */
  raw: Record<string, unknown>;
}

/** What a directory without tokenizer_config.json gets. */
export const EMPTY_TOKENIZER_CONFIG: TokenizerConfig = { bosToken: undefined, eosToken: undefined, addBosToken: false, chatTemplate: undefined, raw: {} };

/** Parses tokenizer_config.json text; `file` names the file in every error. */
export function parseTokenizerConfig(text: string, file: string): TokenizerConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TokenizerFileError(file, `not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(raw)) throw new TokenizerFileError(file, 'expected a JSON object at the top level');
  if (raw.add_bos_token !== undefined && typeof raw.add_bos_token !== 'boolean') {
    throw new TokenizerFileError(file, 'add_bos_token must be true or false');
  }
  return {
    bosToken: tokenContent(raw.bos_token, 'bos_token', file),
    eosToken: tokenContent(raw.eos_token, 'eos_token', file),
    addBosToken: raw.add_bos_token === true,
    chatTemplate: defaultChatTemplate(raw.chat_template, file),
    raw,
  };
}

/** bos_token / eos_token are either the token text or an AddedToken object with `content`. */
function tokenContent(value: unknown, key: string, file: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value.content === 'string') return value.content;
  throw new TokenizerFileError(file, `${key} must be a string or an object with a string "content"`);
}

/** chat_template is a string, or a list of {name, template} of which "default" is the chat one. */
function defaultChatTemplate(value: unknown, file: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const named = value.filter((t): t is { name: string; template: string } => isObject(t) && typeof t.name === 'string' && typeof t.template === 'string');
    if (named.length !== value.length) throw new TokenizerFileError(file, 'chat_template list entries need string "name" and "template"');
    return (named.find((t) => t.name === 'default') ?? named[0])?.template;
  }
  throw new TokenizerFileError(file, 'chat_template must be a string or a list of {name, template}');
}
