// `deepseek-local logits --model DIR --tokens 0,17,42 [--mtp] [--quant int8|int4] --out FILE`: little-endian float32 [T, vocab].
import { loadEngine } from '../engine/index';
import { parseQuant } from '../engine/quantize';
import { writeFileAtomic } from '../engine/safetensors-writer';
import { parseCommandArgs, parseThreads, parseTokenIds } from './args';
import type { CliCommand } from './index';

const USAGE = 'usage: deepseek-local logits --model DIR --tokens IDS [--mtp] [--threads N] [--quant int8|int4] --out FILE';

export const command: CliCommand = {
  summary: 'write the logits of every position (float32 LE [T, vocab]) of a token list to --out FILE',
  async run(args) {
    const parsed = parseCommandArgs('logits', USAGE, args, {
      model: { type: 'string' },
      tokens: { type: 'string' },
      mtp: { type: 'boolean', default: false },
      out: { type: 'string' },
      threads: { type: 'string' },
      quant: { type: 'string' },
    });
    if (typeof parsed === 'number') return parsed;
    const { values } = parsed;
    if (!values.model || !values.tokens || !values.out) throw new Error('logits: --model DIR, --tokens IDS and --out FILE are required');
    const tokens = parseTokenIds(values.tokens);
    const engine = await loadEngine(values.model, { threads: parseThreads(values.threads), quant: parseQuant(values.quant) });
    try {
      const logits = engine.logits(tokens, { mtp: values.mtp });
      const bytes = new Uint8Array(logits.length * 4);
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < logits.length; i++) view.setFloat32(i * 4, logits[i], true);
      writeFileAtomic(values.out, bytes);
    } finally {
      engine.dispose();
    }
    return 0;
  },
};
