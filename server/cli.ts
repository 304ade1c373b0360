#!/usr/bin/env node
// The `deepseek-local` command: one subcommand per module in server/cli/.
import { commands } from './cli/index';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    const list = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(18)} ${c.summary}`).join('\n');
    process.stderr.write(`usage: deepseek-local <command> [options]\n\ncommands:\n${list}\n`);
    return name === undefined || name === '--help' || name === 'help' ? 0 : 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`deepseek-local: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
