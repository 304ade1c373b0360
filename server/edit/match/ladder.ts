// The matching ladder: ordered strategies for placing a quoted block in a file, cheapest and strictest first.
import type { MatchStrategy } from '../types';
import { isBlank } from '../lines';
import { splitAtElisions } from './elision';
import { MergeError, mergeOnto } from './merge';
import { linesSimilarity } from './similarity';

/** A block to place: the lines the model quoted and what they become; hint = 0-based line the model claimed. */
export interface Quote { search: string[]; replace: string[]; hint?: number }
/** File lines [start, end) become `lines`. */
export interface Placement { start: number; end: number; lines: string[] }
export type Outcome =
  | { kind: 'placed'; placement: Placement }
  | { kind: 'ambiguous'; starts: number[] }
  | { kind: 'refused'; reason: string }
  | null;
export interface Strategy { name: MatchStrategy; place(file: string[], quote: Quote): Outcome }

/** Fuzzy matching only runs below these sizes (cost grows with file lines × quoted lines). */
export const FUZZY_LIMITS = { maxQuotedLines: 400, maxCells: 400_000, threshold: 0.8, tieMargin: 0.02 };

type LineEq = (fileLine: string, quotedLine: string) => boolean;
/** Equal but for leading and trailing whitespace. */
const trimmedEq: LineEq = (a, b) => a.trim() === b.trim();

/** Start indexes where `quoted` matches file lines under `eq`. */
export function findRuns(file: string[], quoted: string[], eq: LineEq, from = 0, to = file.length): number[] {
  const starts: number[] = [];
  if (quoted.length === 0) return starts;
  for (let i = from; i + quoted.length <= to; i++) {
    let j = 0;
    while (j < quoted.length && eq(file[i + j], quoted[j])) j++;
    if (j === quoted.length) starts.push(i);
  }
  return starts;
}

/** One start, or the one nearest the model's line hint; equally near (or no hint) is ambiguous. */
function choose(starts: number[], hint: number | undefined): { start: number } | { ambiguous: number[] } | null {
  if (starts.length === 0) return null;
  if (starts.length === 1) return { start: starts[0] };
  if (hint === undefined) return { ambiguous: starts };
  const byDistance = [...starts].sort((a, b) => Math.abs(a - hint) - Math.abs(b - hint));
  if (Math.abs(byDistance[0] - hint) === Math.abs(byDistance[1] - hint)) return { ambiguous: starts };
  return { start: byDistance[0] };
}

/** Places a quote whose lines match one-to-one under `eq`, merging the change onto the real lines. */
function placeOneToOne(file: string[], quote: Quote, eq: LineEq): Outcome {
  const picked = choose(findRuns(file, quote.search, eq), quote.hint);
  if (!picked) return null;
  if ('ambiguous' in picked) return { kind: 'ambiguous', starts: picked.ambiguous };
  return merged(file, picked.start, quote);
}

function merged(file: string[], start: number, quote: Quote): Outcome {
  const end = start + quote.search.length;
  try {
    return { kind: 'placed', placement: { start, end, lines: mergeOnto(file.slice(start, end), quote.search, quote.replace) } };
  } catch (e) {
    if (e instanceof MergeError) return { kind: 'refused', reason: e.message };
    throw e;
  }
}

/** Drops blank lines the model added or lost at the edges of a block (same count from both sides). */
function trimBlankEdges(quote: Quote): Quote {
  let { search, replace } = quote;
  while (search.length > 1 && isBlank(search[0]) && replace.length > 0 && isBlank(replace[0])) { search = search.slice(1); replace = replace.slice(1); }
  while (search.length > 1 && isBlank(search[search.length - 1]) && replace.length > 0 && isBlank(replace[replace.length - 1])) {
    search = search.slice(0, -1); replace = replace.slice(0, -1);
  }
  return { ...quote, search, replace };
}

export const exact: Strategy = {
  name: 'exact',
  place: (file, quote) => placeOneToOne(file, quote, (a, b) => a === b),
};

export const trailingWhitespace: Strategy = {
  name: 'trailing-whitespace',
  place: (file, quote) => {
    const eq: LineEq = (a, b) => a.trimEnd() === b.trimEnd();
    return placeOneToOne(file, quote, eq) ?? placeOneToOne(file, trimBlankEdges(quote), eq);
  },
};

export const indentation: Strategy = {
  name: 'indentation',
  place: (file, quote) => placeOneToOne(file, quote, trimmedEq) ?? placeOneToOne(file, trimBlankEdges(quote), trimmedEq),
};

/** "...": each quoted piece matches in order; the lines between pieces are kept where the replacement elides them too. */
export const elision: Strategy = {
  name: 'elision',
  place: (file, quote) => {
    let sPieces = splitAtElisions(quote.search);
    let rPieces = splitAtElisions(quote.replace);
    if (sPieces.length < 2 || sPieces.length !== rPieces.length) return null;
    // A marker at the very start or end of both sides adds nothing to place.
    if (sPieces[0].length === 0 && rPieces[0].length === 0) { sPieces = sPieces.slice(1); rPieces = rPieces.slice(1); }
    const last = sPieces.length - 1;
    if (sPieces[last].length === 0 && rPieces[last].length === 0) { sPieces = sPieces.slice(0, -1); rPieces = rPieces.slice(0, -1); }
    if (sPieces.some((p) => p.filter((l) => !isBlank(l)).length === 0)) return null;
    // Every complete chain of pieces, from each place the first piece fits.
    const chains: number[][] = [];
    for (const first of findRuns(file, sPieces[0], trimmedEq)) {
      const chain = [first];
      let cursor = first + sPieces[0].length;
      for (let p = 1; p < sPieces.length; p++) {
        const next = findRuns(file, sPieces[p], trimmedEq, cursor)[0];
        if (next === undefined) break;
        chain.push(next);
        cursor = next + sPieces[p].length;
      }
      if (chain.length === sPieces.length) chains.push(chain);
    }
    if (chains.length === 0) return null;
    const placeChain = (chain: number[]): Placement => {
      const lines: string[] = [];
      for (let p = 0; p < chain.length; p++) {
        const s = chain[p];
        const e = s + sPieces[p].length;
        lines.push(...mergeOnto(file.slice(s, e), sPieces[p], rPieces[p]));
        if (p + 1 < chain.length) lines.push(...file.slice(e, chain[p + 1]));
      }
      const last = chain.length - 1;
      return { start: chain[0], end: chain[last] + sPieces[last].length, lines };
    };
    try {
      // Chains that differ only in where an unchanged piece sits give the same file: any of them will do.
      const results = chains.map((c) => {
        const pl = placeChain(c);
        return { pl, text: [...file.slice(0, pl.start), ...pl.lines, ...file.slice(pl.end)].join('\n') };
      });
      if (results.every((r) => r.text === results[0].text)) return { kind: 'placed', placement: results[0].pl };
      const picked = choose(chains.map((c) => c[0]), quote.hint);
      if (!picked) return null;
      if ('ambiguous' in picked) return { kind: 'ambiguous', starts: picked.ambiguous };
      return { kind: 'placed', placement: results[chains.findIndex((c) => c[0] === picked.start)].pl };
    } catch (e) {
      if (e instanceof MergeError) return { kind: 'refused', reason: e.message };
      throw e;
    }
  },
};

/** The best window by similarity, and whether another non-overlapping window is as good. */
export function closestWindow(file: string[], quoted: string[]): { start: number; score: number; rival?: number } | null {
  const n = quoted.length;
  if (n === 0 || n > file.length || n > FUZZY_LIMITS.maxQuotedLines || n * file.length > FUZZY_LIMITS.maxCells) return null;
  const scores: number[] = [];
  for (let i = 0; i + n <= file.length; i++) scores.push(linesSimilarity(file, i, quoted));
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
  let rival: number | undefined;
  for (let i = 0; i < scores.length; i++) {
    if (Math.abs(i - best) < n) continue;
    if (rival === undefined || scores[i] > scores[rival]) rival = i;
  }
  return { start: best, score: scores[best], rival: rival === undefined ? undefined : scores[rival] };
}

export const fuzzy: Strategy = {
  name: 'fuzzy',
  place: (file, quote) => {
    const q = trimBlankEdges(quote);
    if (q.search.filter((l) => !isBlank(l)).length < 2) return null; // too little text to trust a near match
    const found = closestWindow(file, q.search);
    if (!found || found.score < FUZZY_LIMITS.threshold) return null;
    if (found.rival !== undefined && found.rival >= found.score - FUZZY_LIMITS.tieMargin) {
      return { kind: 'ambiguous', starts: [found.start] };
    }
    return merged(file, found.start, q);
  },
};

/** The ladder, in the order the rungs are tried. */
export const LADDER: Strategy[] = [exact, trailingWhitespace, indentation, elision, fuzzy];

export type LadderResult =
  | { ok: true; strategy: MatchStrategy; placement: Placement }
  | { ok: false; reason: string; closest?: string };

/** Tries each rung in order; an ambiguous or refused rung stops the climb (a looser rung would only guess). */
export function placeQuote(file: string[], quote: Quote): LadderResult {
  for (const strategy of LADDER) {
    const outcome = strategy.place(file, quote);
    if (!outcome) continue;
    if (outcome.kind === 'placed') return { ok: true, strategy: strategy.name, placement: outcome.placement };
    if (outcome.kind === 'ambiguous') {
      const where = outcome.starts.slice(0, 5).map((s) => s + 1).join(', ');
      return { ok: false, reason: `the quoted text matches ${outcome.starts.length > 1 ? `${outcome.starts.length} places (lines ${where})` : 'several places equally well'} (${strategy.name}); quote more surrounding lines` };
    }
    return { ok: false, reason: outcome.reason };
  }
  const { search } = trimBlankEdges(quote);
  const near = closestWindow(file, search);
  const closest = near ? file.slice(near.start, near.start + search.length).join('\n') : undefined;
  return { ok: false, reason: 'the quoted text was not found in the file', closest };
}
