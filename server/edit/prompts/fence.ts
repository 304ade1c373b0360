// A literal code fence for prompt texts written as template strings.
export const F = '```';
