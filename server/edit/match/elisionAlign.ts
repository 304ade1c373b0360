// Aligns a replacement that contains elision markers with the lines it rewrites: the cheapest alignment,
// where a marker stands for any run of original lines for free and re-quoted lines earn a bonus.
import { isBlank } from '../lines';
import { isElisionLine } from './elision';

export type AlignStep =
  | { op: 'keep'; from: number } // original line the model re-quoted
  | { op: 'elide'; from: number } // original line a marker stands for (kept)
  | { op: 'marker'; at: number } // index of the marker in the replacement
  | { op: 'delete'; from: number }
  | { op: 'insert'; line: string; at: number }; // at: index in the replacement

export interface AlignCosts { match: number; insert: number; delete: number }

/**
 * Cost models. The first lets re-quoted lines outweigh an insert plus a delete, so a rewritten body is
 * deleted rather than swallowed by a marker; the second keeps common lines ("}") from being matched far
 * away at the price of deleting real code. An answer is only read one way when every model agrees.
 * Blank lines earn no match bonus (they match anywhere).
 */
export const COST_MODELS: AlignCosts[] = [
  { match: -4, insert: 2, delete: 1 },
  { match: -2, insert: 1, delete: 1 },
];

/** Alignments above this many cells are refused (memory and time grow with old × new lines). */
export const MAX_ALIGN_CELLS = 8_000_000;

/** Returns the steps, or a reason the markers cannot be placed unambiguously. */
export function alignWithElisions(original: string[], replacement: string[], costs: AlignCosts = COST_MODELS[0]): AlignStep[] | string {
  const n = original.length;
  const m = replacement.length;
  if ((n + 1) * (m + 1) > MAX_ALIGN_CELLS) return `too large to expand "..." elisions (${n} × ${m} lines)`;
  const W = m + 1;
  const D = new Int32Array((n + 1) * W);
  const marker = replacement.map(isElisionLine);
  // Blank lines match anywhere, so they earn no bonus (else they pull anchors across real code).
  // Costs are scaled so that, among equally cheap alignments, the one re-using more lines wins.
  const cost = { insert: costs.insert * 16, delete: costs.delete * 16 };
  const bonus = replacement.map((l) => (isBlank(l) ? 1 : -costs.match * 16 + 1));
  for (let j = 1; j <= m; j++) D[j] = D[j - 1] + (marker[j - 1] ? 0 : cost.insert);
  for (let i = 1; i <= n; i++) {
    D[i * W] = i * cost.delete;
    for (let j = 1; j <= m; j++) {
      const k = i * W + j;
      if (marker[j - 1]) {
        // The marker ends here, or also covers original line i-1 (free).
        D[k] = Math.min(D[k - 1], D[k - W]);
      } else {
        let best = Math.min(D[k - W] + cost.delete, D[k - 1] + cost.insert);
        if (original[i - 1] === replacement[j - 1] && D[k - W - 1] - bonus[j - 1] < best) best = D[k - W - 1] - bonus[j - 1];
        D[k] = best;
      }
    }
  }
  const steps: AlignStep[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const k = i * W + j;
    if (j > 0 && marker[j - 1]) {
      if (i > 0 && D[k] === D[k - W]) { steps.push({ op: 'elide', from: i - 1 }); i--; }
      else { steps.push({ op: 'marker', at: j - 1 }); j--; }
    } else if (i > 0 && j > 0 && original[i - 1] === replacement[j - 1] && D[k] === D[k - W - 1] - bonus[j - 1]) {
      steps.push({ op: 'keep', from: i - 1 }); i--; j--;
    } else if (i > 0 && D[k] === D[k - W] + cost.delete) {
      steps.push({ op: 'delete', from: i - 1 }); i--;
    } else {
      steps.push({ op: 'insert', line: replacement[j - 1], at: j - 1 }); j--;
    }
  }
  steps.reverse();
  return ambiguity(steps, original, replacement) ?? steps;
}

/** Occurrences of `needle` as a run of lines lying wholly inside hay[lo, hi). */
const occurrences = (hay: string[], needle: string[], lo: number, hi: number): number => {
  let count = 0;
  for (let i = lo; i + needle.length <= hi; i++) {
    let k = 0;
    while (k < needle.length && hay[i + k] === needle[k]) k++;
    if (k === needle.length) count++;
  }
  return count;
};

/** How far (in lines) a change next to a marker could plausibly reach if it were a rewrite: deleting more than this unseen is not what models mean. */
export const REWRITE_REACH = { min: 4, perInsertedLine: 2 };

/** Another stretch differing in at most this fraction of lines (min 1) could be what an unchanged floating segment meant. */
export const FLOATING_MISMATCH = 1 / 3;

const isChange = (s: AlignStep) => s.op === 'insert' || s.op === 'delete';

/**
 * Markers cut the replacement into segments. A segment's original lines (kept + deleted) are contiguous;
 * the first segment is pinned to the start and the last to the end, but one between two markers may sit
 * anywhere the markers could cover: if it changes something, its original text must occur only once there.
 * A change directly next to a marker is refused: the marker could equally stand for the changed lines.
 */
function ambiguity(steps: AlignStep[], original: string[], replacement: string[]): string | undefined {
  const segments: Array<{ steps: AlignStep[]; left?: number; right?: number }> = [{ steps: [] }];
  for (const s of steps) {
    if (s.op === 'elide') continue;
    if (s.op === 'marker') {
      segments[segments.length - 1].right = s.at;
      segments.push({ steps: [], left: s.at });
    } else segments[segments.length - 1].steps.push(s);
  }
  const covered = segments.map((seg) => seg.steps.flatMap((s) => (s.op === 'keep' || s.op === 'delete' ? [s.from] : [])));
  const edgeRun = (steps: AlignStep[]) => {
    const run: number[] = [];
    for (const s of steps) { if (s.op !== 'keep') break; run.push(s.from); }
    return run;
  };
  for (let k = 0; k < segments.length; k++) {
    const seg = segments[k];
    const changed = seg.steps.some(isChange);
    if (changed) {
      const nearMarker = (at: number) => `the elision marker "${replacement[at].trim()}" is directly next to changed lines, so what it stands for is ambiguous; keep an unchanged line between them`;
      // Blank lines between a change and a marker anchor nothing: the change is as good as adjacent.
      const anchors = (run: number[]) => run.some((i) => !isBlank(original[i]));
      if (seg.left !== undefined && !anchors(edgeRun(seg.steps))) return nearMarker(seg.left);
      if (seg.right !== undefined && !anchors(edgeRun([...seg.steps].reverse()))) return nearMarker(seg.right);
    }
    const before = covered.slice(0, k).flat();
    const after = covered.slice(k + 1).flat();
    const lo = before.length ? Math.max(...before) + 1 : 0;
    const hi = after.length ? Math.min(...after) : original.length;
    const own = covered[k];
    if (own.length === 0) continue;
    const spanStart = Math.min(...own);
    const spanEnd = Math.max(...own) + 1;
    // The unchanged lines next to a marker must not recur nearby: if a first (last) few of them also occur
    // a little before (after), the answer equally reads as deleting the lines in between, or as the marker
    // covering more (a copy inside this segment's own span).
    const inserted = seg.steps.filter((s) => s.op === 'insert').length;
    const reach = Math.max(REWRITE_REACH.min, REWRITE_REACH.perInsertedLine * inserted);
    const edges = [
      { side: 'left', markerAt: seg.left, run: edgeRun(seg.steps) },
      { side: 'right', markerAt: seg.right, run: edgeRun([...seg.steps].reverse()).reverse() },
    ];
    for (const { side, markerAt, run } of edges) {
      if (markerAt === undefined || run.length === 0) continue;
      // A single common line recurring nearby is normal; two or more in a row make a second reading real.
      for (let len = Math.min(2, run.length); len <= run.length; len++) {
        const text = side === 'left' ? original.slice(run[0], run[0] + len) : original.slice(run[run.length - 1] + 1 - len, run[run.length - 1] + 1);
        if (text.every(isBlank)) continue; // blank lines alone: too common to tell (the longer runs decide)
        const at = side === 'left' ? run[0] : run[run.length - 1] + 1 - len;
        const count = side === 'left'
          ? occurrences(original, text, Math.max(lo, at - reach), Math.max(spanEnd, at + len))
          : occurrences(original, text, Math.min(spanStart, at), Math.min(hi, at + len + reach));
        if (count > 1) {
          return `the unchanged line${text.length > 1 ? 's' : ''} next to the elision marker "${replacement[markerAt].trim()}" ("${text.find((l) => !isBlank(l))?.trim() ?? ''}"…) recur close by, so what the marker stands for is ambiguous; quote more distinctive unchanged lines`;
        }
      }
    }
    if (!changed) {
      // An unchanged stretch between two markers says nothing, unless it is the model's (mis)copy of a
      // similar stretch it meant to change: then the change would silently vanish.
      if (seg.left !== undefined && seg.right !== undefined) {
        const quoted = own.map((i) => original[i]);
        const nonBlank = quoted.filter((l) => !isBlank(l)).length;
        const allowed = Math.max(1, Math.floor(nonBlank * FLOATING_MISMATCH));
        let similar = 0;
        for (let p = 0; p + quoted.length <= original.length; p++) {
          let differ = 0;
          for (let q = 0; q < quoted.length && differ <= allowed; q++) if (original[p + q].trim() !== quoted[q].trim()) differ++;
          if (differ <= allowed) similar++;
        }
        if (similar > 1) {
          return `the unchanged lines between elision markers ("${quoted.find((l) => !isBlank(l))?.trim() ?? ''}"…) resemble ${similar} places in the file; if a change was meant there, quote it with more distinctive lines`;
        }
      }
      continue;
    }
    if (seg.left === undefined || seg.right === undefined) continue;
    // Between two markers the segment floats: every place where its leading unchanged lines and, a
    // plausible distance later, its trailing unchanged lines both occur is a reading of the answer.
    const L = edges[0].run;
    const R = edges[1].run;
    const leftText = original.slice(L[0], L[0] + L.length);
    const rightText = original.slice(R[0], R[0] + R.length);
    const gap = R[0] - (L[0] + L.length);
    let readings = 0;
    for (let p = lo; p + leftText.length <= hi; p++) {
      if (occurrences(original, leftText, p, p + leftText.length) === 0) continue;
      const from = p + leftText.length;
      readings += occurrences(original, rightText, from, Math.min(hi, from + gap + reach + rightText.length));
    }
    if (readings > 1) {
      const first = leftText.find((l) => !isBlank(l))?.trim() ?? '';
      return `the lines between elision markers ("${first}"…) fit ${readings} places the markers may cover, so where the change goes is ambiguous; quote more unchanged lines`;
    }
  }
  return undefined;
}
