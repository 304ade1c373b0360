// `deepseek-local serve --model DIR --port N [--host 127.0.0.1]`: OpenAI-compatible HTTP server on the local engine.
import path from 'node:path';
import { LocalBackend } from '../backends/local';
import { parseQuant } from '../engine/quantize';
import { parseCommandArgs, parseThreads } from './args';
import { startServe } from '../serve/http-server';
import type { CliCommand } from './index';

const USAGE = `usage: deepseek-local serve --model DIR [--port N] [--host ADDR] [--name NAME] [--threads N] [--quant int8|int4]
  OpenAI-compatible server: GET /v1/models, POST /v1/chat/completions, POST /v1/completions (suffix = FIM).
  Binds 127.0.0.1:8000 unless told otherwise.`;

export const command: CliCommand = {
  summary: 'OpenAI-compatible HTTP server on the local engine',
  async run(args) {
    const parsed = parseCommandArgs('serve', USAGE, args, {
      model: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, name: { type: 'string' },
      threads: { type: 'string' }, quant: { type: 'string' }, quiet: { type: 'boolean' },
    });
    if (typeof parsed === 'number') return parsed;
    const { values } = parsed;
    if (!values.model) {
      process.stderr.write(`deepseek-local serve: --model DIR is required\n${USAGE}\n`);
      return 2;
    }
    const port = Number(values.port ?? 8000);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      process.stderr.write(`deepseek-local serve: --port must be 0..65535, got ${values.port}\n`);
      return 2;
    }
    let threads;
    let quant;
    try {
      threads = parseThreads(values.threads);
      quant = parseQuant(values.quant);
    } catch (err) {
      process.stderr.write(`deepseek-local serve: ${(err as Error).message}\n`);
      return 2;
    }
    const backend = await LocalBackend.load(path.resolve(values.model), { threads, quant });
    const log = values.quiet ? undefined : (line: string) => process.stderr.write(line + '\n');
    const server = await startServe(backend, {
      port, host: values.host ?? '127.0.0.1', modelName: values.name ?? path.basename(path.resolve(values.model)), log,
    });
    // the one line on stdout: scripts and tests read the address from it
    process.stdout.write(`listening on ${server.baseUrl}\n`);
    return new Promise<number>((resolve) => {
      const stop = () => {
        void server.close().then(() => {
          backend.dispose();
          resolve(0);
        });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
