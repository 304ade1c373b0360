// `deepseek-local lsp --stdio [--model DIR | --endpoint URL]`: the sidecar LSP server, standalone.
import type { DeepSeekSettings } from '../protocol';
import { runStdioServer } from '../server';
import type { CliCommand } from './index';
import { parseCommandArgs, parseThreads } from './args';

const USAGE = `usage: deepseek-local lsp --stdio [--model DIR | --endpoint URL [--model-name NAME]] [--threads N]
  Language server on stdin/stdout. --model / --endpoint override the client's backend settings;
  the API key of --endpoint is read from DEEPSEEK_API_KEY.`;

export const command: CliCommand = {
  summary: 'LSP server over stdio (inline completions, chat, edits)',
  async run(args) {
    const parsed = parseCommandArgs('lsp', USAGE, args, {
      stdio: { type: 'boolean' }, model: { type: 'string' }, endpoint: { type: 'string' },
      'model-name': { type: 'string' }, threads: { type: 'string' },
    });
    if (typeof parsed === 'number') return parsed;
    const { values } = parsed;
    if (!values.stdio) {
      process.stderr.write(`deepseek-local lsp: only --stdio is supported\n${USAGE}\n`);
      return 2;
    }
    if (values.model && values.endpoint) {
      process.stderr.write('deepseek-local lsp: give --model or --endpoint, not both\n');
      return 2;
    }
    const overrides: DeepSeekSettings = {};
    if (values.model) Object.assign(overrides, { backend: 'local', modelDir: values.model });
    if (values.endpoint) {
      Object.assign(overrides, { backend: 'openai', endpoint: values.endpoint, model: values['model-name'] });
      if (process.env.DEEPSEEK_API_KEY) overrides.apiKey = process.env.DEEPSEEK_API_KEY;
    }
    try {
      overrides.threads = parseThreads(values.threads);
    } catch (err) {
      process.stderr.write(`deepseek-local lsp: ${(err as Error).message}\n`);
      return 2;
    }
    runStdioServer({ overrides: Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) });
    // the process lives until the client sends exit (vscode-languageserver ends it)
    return new Promise<number>(() => undefined);
  },
};
