// Parses "0,17,42" token lists given on the command line.

export function parseTokenList(text: string, what = '--tokens'): number[] {
  const parts = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (!parts.length) throw new Error(`${what}: expected comma-separated token ids, got ${JSON.stringify(text)}`);
  return parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new Error(`${what}: "${p}" is not a token id (non-negative integer)`);
    return Number(p);
  });
}
