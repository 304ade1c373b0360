// `deepseek-local make-demo-model --out DIR`: a small deterministic DeepSeek-V3 checkpoint for demos and tests.
import { parseArgs } from 'node:util';
import { makeDemoModel } from '../engine/demo-model';
import type { CliCommand } from './index';

export { makeDemoModel };

export const command: CliCommand = {
  summary: 'write a small seeded DeepSeek-V3-architecture model (with the real tokenizer) to --out DIR',
  async run(args) {
    const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true });
    if (!values.out) throw new Error('make-demo-model: --out DIR is required');
    await makeDemoModel(values.out);
    process.stderr.write(`wrote demo model to ${values.out}\n`);
    return 0;
  },
};
