// Entry point of the tokenizer module: load a model folder's tokenizer.json + tokenizer_config.json.

import fs from 'node:fs/promises';
import path from 'node:path';
import { ByteLevelBpeTokenizer } from './byteLevelBpeTokenizer';
import { compileChatTemplate } from './chatTemplate';
import { createHfEncoder } from './hfEncoder';
import { EMPTY_TOKENIZER_CONFIG, parseTokenizerConfig } from './tokenizerConfig';
import { parseTokenizerJson } from './tokenizerJson';
import { TokenTable } from './tokenTable';
import { supportsLineChunks, withLineChunkCache } from './lineChunks';

export type { ChatMessage, Tokenizer } from './api';
export { ByteLevelBpeTokenizer } from './byteLevelBpeTokenizer';
export { deepseekV3TokenizerFiles } from './files';
export { TokenizerFileError } from './tokenizerJson';

/**
 * Loads the tokenizer of a model folder. Resolves to undefined when dir has no tokenizer.json;
 * rejects with an error naming the file when tokenizer.json or tokenizer_config.json is malformed.
 */
export async function loadTokenizer(dir: string): Promise<ByteLevelBpeTokenizer | undefined> {
  const jsonFile = path.join(dir, 'tokenizer.json');
  const configFile = path.join(dir, 'tokenizer_config.json');
  const jsonText = await readIfExists(jsonFile);
  if (jsonText === undefined) return undefined;
  const configText = await readIfExists(configFile);
  return buildTokenizer({ jsonText, jsonFile, configText, configFile, source: dir });
}

export interface TokenizerSources {
  jsonText: string;
  jsonFile: string;
  /** undefined: no tokenizer_config.json (no BOS/EOS, no chat template). */
  configText: string | undefined;
  configFile: string;
  source: string;
}

/** Builds a tokenizer from file contents already read (the names are used in errors). */
export function buildTokenizer(src: TokenizerSources): ByteLevelBpeTokenizer {
  const json = parseTokenizerJson(src.jsonText, src.jsonFile);
  const config = src.configText === undefined ? EMPTY_TOKENIZER_CONFIG : parseTokenizerConfig(src.configText, src.configFile);
  const renderChat = config.chatTemplate === undefined
    ? undefined
    : compileChatTemplate(config.chatTemplate, src.configFile, { bosToken: config.bosToken, eosToken: config.eosToken });
  const encodeWhole = createHfEncoder(json, config.raw, src.jsonFile);
  return new ByteLevelBpeTokenizer({
    encodeText: supportsLineChunks(json.preTokenizer, json.added) ? withLineChunkCache(encodeWhole) : encodeWhole,
    table: new TokenTable(json.vocab, json.added),
    config,
    renderChat,
    source: src.source,
  });
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file}: cannot read (${(err as Error).message})`);
  }
}
