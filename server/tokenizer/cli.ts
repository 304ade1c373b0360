// `deepseek-local tokenize --model DIR (--text TEXT | --file FILE | --decode IDS)`: inspect a model's tokenizer.
import fs from 'node:fs';
import { parseCommandArgs, parseTokenIds } from '../cli/args';
import type { CliCommand } from '../cli/index';
import type { ByteLevelBpeTokenizer } from './byteLevelBpeTokenizer';
import { loadTokenizer } from './index';

const USAGE = 'usage: deepseek-local tokenize --model DIR (--text TEXT | --file FILE | --decode IDS) [--no-bos] [--tokens]';

/** One line per id: the id, the token as tokenizer.json writes it, and the text it decodes to. */
export function describeTokens(tok: ByteLevelBpeTokenizer, ids: number[]): string {
  return ids.map((id) => `${id}\t${JSON.stringify(tok.idToToken(id) ?? null)}\t${JSON.stringify(tok.decode([id]))}\n`).join('');
}

export const command: CliCommand = {
  summary: 'encode text to token ids (or --decode ids) with a model folder\'s tokenizer.json',
  async run(args) {
    const parsed = parseCommandArgs('tokenize', USAGE, args, {
      model: { type: 'string' },
      text: { type: 'string' },
      file: { type: 'string' },
      decode: { type: 'string' },
      'no-bos': { type: 'boolean', default: false },
      tokens: { type: 'boolean', default: false },
    });
    if (typeof parsed === 'number') return parsed;
    const { values } = parsed;
    if (!values.model) throw new Error('tokenize: --model DIR is required');
    const inputs = [values.text, values.file, values.decode].filter((v) => v !== undefined);
    if (inputs.length !== 1) throw new Error('tokenize: give exactly one of --text TEXT, --file FILE or --decode IDS');
    const tok = await loadTokenizer(values.model);
    if (!tok) throw new Error(`tokenize: ${values.model} has no tokenizer.json`);
    if (values.decode !== undefined) {
      const ids = parseTokenIds(values.decode, '--decode');
      process.stdout.write(values.tokens ? describeTokens(tok, ids) : `${tok.decode(ids)}\n`);
      return 0;
    }
    const text = values.text ?? readText(values.file!);
    const ids = tok.encode(text, values['no-bos'] ? { addBos: false } : undefined);
    process.stdout.write(values.tokens ? describeTokens(tok, ids) : `${JSON.stringify(ids)}\n`);
    process.stderr.write(`${ids.length} tokens\n`);
    return 0;
  },
};

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`tokenize: cannot read ${file} (${(err as Error).message})`);
  }
}
