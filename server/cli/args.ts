// Option handling shared by several subcommands, parsed once with one error wording.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O }>>['values'];

/**
 * parseArgs for a subcommand with a usage text (`--help`/`-h` is added): the values and positionals (refused
 * unless `allowPositionals`), or the exit code when it is done already: 0 after printing the usage for --help,
 * 2 after printing a bad option's error and the usage.
 */
export function parseCommandArgs<const O extends Options>(
  name: string, usage: string, args: string[], options: O, allowPositionals = false,
): { values: Values<O>; positionals: string[] } | number {
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, allowPositionals, options: { ...options, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    process.stderr.write(`deepseek-local ${name}: ${err instanceof Error ? err.message : String(err)}\n${usage}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage + '\n');
    return 0;
  }
  return { values: values as unknown as Values<O>, positionals };
}

/** A numeric option: undefined when absent, else the number, which must pass `check` (`rule` words the error). */
export function parseNumberOption(text: string | undefined, flag: string, check: (n: number) => boolean, rule: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !check(n)) throw new Error(`${flag} must be ${rule}, got ${JSON.stringify(text)}`);
  return n;
}

/** `--threads N`: a positive integer, or undefined when absent. */
export function parseThreads(text: string | undefined): number | undefined {
  return parseNumberOption(text, '--threads', (n) => Number.isInteger(n) && n >= 1, 'a positive integer');
}

/** Token ids as given on the command line: "0,17,42" or "0 17 42"; the error names `flag` and the bad entry. */
export function parseTokenIds(text: string, flag = '--tokens'): number[] {
  const parts = text.split(/[\s,]+/).filter((s) => s !== '');
  if (!parts.length) throw new Error(`${flag}: expected token ids separated by commas or spaces, got ${JSON.stringify(text)}`);
  return parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new Error(`${flag}: "${p}" is not a token id (non-negative integer)`);
    return Number(p);
  });
}
