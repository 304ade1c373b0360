// A literal code fence for prompt texts written as template strings.
export const F = '```';

/** A fence longer than any backtick run in `text`, so the text cannot close it (at least three backticks). */
export function fenceFor(text: string): string {
  return '`'.repeat(Math.max(3, ...(text.match(/`+/g) ?? []).map((r) => r.length + 1)));
}
