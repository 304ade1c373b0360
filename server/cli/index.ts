// Registry of CLI subcommands. Each module exports `command: CliCommand`.
import { command as logits } from './logits'; import { command as generate } from './generate'; import { command as makeDemoModel } from './make-demo-model';
import { command as tokenize } from '../tokenizer/cli';
import { command as apply } from './apply'; import { command as lsp } from './lsp'; import { command as serve } from './serve';
export interface CliCommand {
  summary: string;
  /** Runs with the arguments after the subcommand name; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

export const commands: Record<string, CliCommand> = {
  logits, generate, 'make-demo-model': makeDemoModel,
  tokenize,
  lsp, serve, apply,
  // Subcommands register here, e.g. `logits: logitsCommand,` (imports above).
};
