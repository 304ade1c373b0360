// Option values shared by several subcommands, parsed once with one error wording.

/** `--threads N`: a positive integer, or undefined when absent. */
export function parseThreads(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--threads must be a positive integer, got ${JSON.stringify(text)}`);
  return n;
}
