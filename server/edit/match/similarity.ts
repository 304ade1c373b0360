// Cheap-first text similarity for the fuzzy rung: 1 = identical, 0 = nothing in common.

/** Levenshtein ratio of two strings (1 - distance / longer length). */
export function stringSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 1;
  // Length difference bounds the distance from below: skip the O(n·m) table when hopeless.
  if (Math.abs(a.length - b.length) / longer > 0.6) return 1 - Math.abs(a.length - b.length) / longer;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return 1 - prev[b.length] / longer;
}

/** Similarity of two equally long line runs, weighted by line length and ignoring surrounding whitespace. */
export function linesSimilarity(fileLines: string[], start: number, quoted: string[]): number {
  let score = 0;
  let weight = 0;
  for (let i = 0; i < quoted.length; i++) {
    const a = fileLines[start + i].trim();
    const b = quoted[i].trim();
    const w = Math.max(a.length, b.length) + 1;
    score += w * stringSimilarity(a, b);
    weight += w;
  }
  return weight === 0 ? 1 : score / weight;
}
