// `deepseek-local generate --model DIR (--prompt TEXT | --tokens IDS) --max-tokens N ...`: local generation.
import { loadEngine } from '../engine/index';
import { parseQuant } from '../engine/quantize';
import type { CliCommand } from './index';
import { parseCommandArgs, parseNumberOption, parseThreads, parseTokenIds } from './args';

const USAGE = 'usage: deepseek-local generate --model DIR (--prompt TEXT | --tokens IDS) [--max-tokens N] [--temperature T] ' +
  '[--top-p P] [--seed S] [--ignore-eos] [--json] [--threads N] [--quant int8|int4]';

export const command: CliCommand = {
  summary: 'generate tokens from a prompt with the local engine (greedy unless --temperature)',
  async run(args) {
    const parsed = parseCommandArgs('generate', USAGE, args, {
      model: { type: 'string' },
      prompt: { type: 'string' },
      tokens: { type: 'string' },
      'max-tokens': { type: 'string', default: '64' },
      temperature: { type: 'string' },
      'top-p': { type: 'string' },
      seed: { type: 'string' },
      'ignore-eos': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      threads: { type: 'string' },
      quant: { type: 'string' },
    });
    if (typeof parsed === 'number') return parsed;
    const { values } = parsed;
    if (!values.model) throw new Error('generate: --model DIR is required');
    if ((values.prompt === undefined) === (values.tokens === undefined)) throw new Error('generate: give exactly one of --prompt TEXT or --tokens IDS');
    const maxTokens = parseNumberOption(values['max-tokens'], '--max-tokens', (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer')!;
    const temperature = parseNumberOption(values.temperature, '--temperature', (n) => n >= 0, 'a number >= 0');
    const topP = parseNumberOption(values['top-p'], '--top-p', (n) => n > 0 && n <= 1, 'in (0, 1]');
    const seed = parseNumberOption(values.seed, '--seed', (n) => Number.isInteger(n), 'an integer');
    const engine = await loadEngine(values.model, { threads: parseThreads(values.threads), quant: parseQuant(values.quant) });
    try {
      const tok = engine.tokenizer;
      let prompt: number[];
      if (values.prompt !== undefined) {
        if (!tok) throw new Error(`generate: ${values.model} has no tokenizer.json, so --prompt cannot be encoded; use --tokens`);
        prompt = tok.encode(values.prompt, { addBos: true });
      } else {
        prompt = parseTokenIds(values.tokens!);
      }
      // Plain mode streams text (or ids) as it is generated; --json prints one object at the end.
      const stream = !values.json && tok ? tok.createStreamDecoder({ skipSpecial: true }) : undefined;
      const result = await engine.generate({
        prompt, maxTokens, temperature, topP, seed, ignoreEos: values['ignore-eos'],
        onToken: values.json ? undefined : (id) => void process.stdout.write(stream ? stream.push(id) : `${id}\n`),
      });
      if (values.json) {
        const text = tok ? tok.decode(result.tokens, { skipSpecial: true }) : null;
        process.stdout.write(JSON.stringify({ tokens: result.tokens, text }) + '\n');
      } else if (stream) {
        process.stdout.write(stream.flush() + '\n');
      }
      process.stderr.write(`[${result.stopReason}] prompt ${prompt.length} tokens (${result.reusedTokens} reused) in ${result.prefillMs.toFixed(0)} ms, ` +
        `${result.tokens.length} generated in ${result.decodeMs.toFixed(0)} ms\n`);
    } finally {
      engine.dispose();
    }
    return 0;
  },
};
