// `deepseek-local tokenize --model DIR (--text TEXT | --file FILE | --decode IDS)`: inspect a model's tokenizer.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../cli/index';
import type { ByteLevelBpeTokenizer } from './byteLevelBpeTokenizer';
import { loadTokenizer } from './index';

/** "1, 2 3" → [1, 2, 3]; anything else is an error naming the bad entry. */
export function parseIds(text: string): number[] {
  return text.split(/[\s,]+/).filter((s) => s !== '').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) throw new Error(`tokenize: --decode expects non-negative integer ids, got ${JSON.stringify(s)}`);
    return n;
  });
}

/** One line per id: the id, the token as tokenizer.json writes it, and the text it decodes to. */
export function describeTokens(tok: ByteLevelBpeTokenizer, ids: number[]): string {
  return ids.map((id) => `${id}\t${JSON.stringify(tok.idToToken(id) ?? null)}\t${JSON.stringify(tok.decode([id]))}\n`).join('');
}

export const command: CliCommand = {
  summary: 'encode text to token ids (or --decode ids) with a model folder\'s tokenizer.json',
  async run(args) {
    const { values } = parseArgs({
      args,
      strict: true,
      options: {
        model: { type: 'string' },
        text: { type: 'string' },
        file: { type: 'string' },
        decode: { type: 'string' },
        'no-bos': { type: 'boolean', default: false },
        tokens: { type: 'boolean', default: false },
      },
    });
    if (!values.model) throw new Error('tokenize: --model DIR is required');
    const inputs = [values.text, values.file, values.decode].filter((v) => v !== undefined);
    if (inputs.length !== 1) throw new Error('tokenize: give exactly one of --text TEXT, --file FILE or --decode IDS');
    const tok = await loadTokenizer(values.model);
    if (!tok) throw new Error(`tokenize: ${values.model} has no tokenizer.json`);
    if (values.decode !== undefined) {
      const ids = parseIds(values.decode);
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
