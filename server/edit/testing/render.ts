// Test helper: renders a (before, after) pair as a model answer in each format, with or without the
// mistakes models make, so the applier can be scored on real edits.
import { diffArrays } from 'diff';
import { indentOf } from '../lines';
import { fenceFor } from '../prompts/fence';
import type { ConcreteFormat } from '../types';
import type { CorpusCase } from './corpus';

export const MISTAKES = ['none', 'wrong-line-numbers', 'no-line-numbers', 'lost-indentation', 'tabs-as-spaces', 'trailing-whitespace',
  'misquoted-line', 'elided-context', 'elided-in-replace', 'elided-tight', 'crlf-file'] as const;
export type Mistake = (typeof MISTAKES)[number];

/** One contiguous change: before lines [oldStart, oldEnd) become `added`. */
interface Change { oldStart: number; oldEnd: number; added: string[] }
/** A rendered block: quoted lines and replacement, with the 0-based old start. */
interface Block { start: number; search: string[]; replace: string[] }

const lf = (t: string) => t.replace(/\r\n/g, '\n');
const linesOf = (t: string) => { const l = lf(t).split('\n'); if (l[l.length - 1] === '') l.pop(); return l; };

function changesOf(before: string[], after: string[]): Change[] {
  const changes: Change[] = [];
  let i = 0;
  let cur: Change | null = null;
  for (const part of diffArrays(before, after)) {
    if (part.added || part.removed) {
      cur ??= { oldStart: i, oldEnd: i, added: [] };
      if (part.added) cur.added.push(...part.value);
      else { i += part.count; cur.oldEnd = i; }
    } else {
      if (cur) changes.push(cur);
      cur = null;
      i += part.count;
    }
  }
  if (cur) changes.push(cur);
  return changes;
}

const count = (hay: string[], needle: string[]) => {
  let n = 0;
  for (let i = 0; i + needle.length <= hay.length; i++) if (needle.every((l, j) => hay[i + j] === l)) n++;
  return n;
};

/** Groups changes closer than `gap` lines into blocks with `ctx` lines of context, widened until unique in `before`. */
function blocksOf(before: string[], changes: Change[], ctx: number, gap: number, unique: boolean): Block[] {
  const groups: Change[][] = [];
  for (const c of changes) {
    const last = groups[groups.length - 1];
    if (last && c.oldStart - last[last.length - 1].oldEnd <= gap) last.push(c);
    else groups.push([c]);
  }
  const blocks: Block[] = [];
  let floor = 0;
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g];
    const ceil = g + 1 < groups.length ? groups[g + 1][0].oldStart : before.length;
    let a = ctx;
    let b = ctx;
    const build = (): Block => {
      const start = Math.max(floor, group[0].oldStart - a);
      const end = Math.min(ceil, group[group.length - 1].oldEnd + b);
      const search = before.slice(start, end);
      const replace: string[] = [];
      let i = start;
      for (const c of group) { replace.push(...before.slice(i, c.oldStart), ...c.added); i = c.oldEnd; }
      replace.push(...before.slice(i, end));
      return { start, search, replace };
    };
    let block = build();
    while (unique && (block.search.length === 0 || count(before, block.search) > 1)) {
      const prev = block.search.length;
      a++; b++;
      block = build();
      if (block.search.length === prev) break;
    }
    blocks.push(block);
    floor = block.start + block.search.length;
  }
  return blocks;
}

const minIndent = (lines: string[]) => {
  const ind = lines.filter((l) => l.trim()).map(indentOf);
  if (ind.length === 0) return '';
  let p = ind[0];
  for (const s of ind) while (!s.startsWith(p)) p = p.slice(0, -1);
  return p;
};

/** Mistakes applied to the lines the model quotes (and, identically, to the same lines in its replacement). */
function garble(block: Block, mistake: Mistake, comment: string): Block | null {
  const g = garbleLines(block, mistake, comment);
  // A mistake that erases the change itself (a whitespace-only edit) leaves nothing to apply: not a case.
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((l, i) => l === b[i]);
  return g && same(g.search, g.replace) && !same(block.search, block.replace) ? null : g;
}

function garbleLines(block: Block, mistake: Mistake, comment: string): Block | null {
  const { search, replace } = block;
  switch (mistake) {
    case 'lost-indentation': {
      const ind = minIndent(search);
      // A model cannot dedent a line below column 0: such a block is not a realistic answer.
      if (!ind || replace.some((l) => l.trim() && !l.startsWith(ind))) return null;
      const strip = (l: string) => (l.startsWith(ind) ? l.slice(ind.length) : l.trimStart());
      return { ...block, search: search.map(strip), replace: replace.map(strip) };
    }
    case 'tabs-as-spaces': {
      if (!search.some((l) => l.startsWith('\t'))) return null;
      const conv = (l: string) => l.replace(/^\t+/, (t) => '    '.repeat(t.length));
      return { ...block, search: search.map(conv), replace: replace.map(conv) };
    }
    case 'trailing-whitespace': {
      // The model re-types quoted lines with trailing spaces lost or added; lines it adds are its own.
      const garbleLine = (l: string, i: number) => (l !== l.trimEnd() ? l.trimEnd() : i % 2 === 0 ? l + ' ' : l);
      const outS: string[] = [];
      const outR: string[] = [];
      for (const p of diffArrays(search, replace)) {
        for (const l of p.value) {
          if (p.added) outR.push(l);
          else if (p.removed) outS.push(l); // garbling a removed line could erase a whitespace-only change
          else { const g = garbleLine(l, outS.length); outS.push(g); outR.push(g); }
        }
      }
      return { ...block, search: outS, replace: outR };
    }
    case 'elided-context': {
      // Replace the longest unchanged run by a marker: an interior run (≥ 3 lines) entirely, an edge run
      // (≥ 6 lines) except the 2 lines at each of its ends.
      const parts = diffArrays(search, replace);
      let best: { s: number; r: number; n: number } | null = null;
      let s = 0;
      let r = 0;
      parts.forEach((p, k) => {
        if (!p.added && !p.removed) {
          const interior = k > 0 && k < parts.length - 1;
          const cand = interior ? (p.count >= 3 ? { s, r, n: p.count } : null) : p.count >= 6 ? { s: s + 2, r: r + 2, n: p.count - 4 } : null;
          if (cand && (!best || cand.n > best.n)) best = cand;
        }
        if (!p.added) s += p.count;
        if (!p.removed) r += p.count;
      });
      if (!best) return null;
      const { s: bs, r: br, n } = best as { s: number; r: number; n: number };
      const ind = indentOf(search[bs]);
      const marker = `${ind}${comment} ...`;
      return { ...block, search: [...search.slice(0, bs), marker, ...search.slice(bs + n)], replace: [...replace.slice(0, br), marker, ...replace.slice(br + n)] };
    }
    case 'misquoted-line': {
      // The model mistypes one unchanged line it quotes (a dropped character), the same way on both sides.
      const parts = diffArrays(search, replace);
      let sIdx = 0;
      let rIdx = 0;
      for (const p of parts) {
        if (!p.added && !p.removed) {
          for (let k = 0; k < p.count; k++) {
            const l = search[sIdx + k];
            if (l.trim().length >= 12) {
              const cut = Math.floor(l.length / 2);
              const typo = l.slice(0, cut) + l.slice(cut + 1);
              const s2 = [...search]; s2[sIdx + k] = typo;
              const r2 = [...replace]; r2[rIdx + k] = typo;
              return { ...block, search: s2, replace: r2 };
            }
          }
        }
        if (!p.added) sIdx += p.count;
        if (!p.removed) rIdx += p.count;
      }
      return null;
    }
    case 'elided-in-replace': {
      // The model quotes everything but abbreviates unchanged lines in its replacement.
      const elided = garbleLines(block, 'elided-context', comment);
      return elided && { ...block, replace: elided.replace };
    }
    default:
      return block;
  }
}

const commentFor = (ext: string) => (ext === '.py' ? '#' : '//');

/** The answer text for one case, or null when the mistake cannot occur for this case and format. */
export function renderAnswer(c: CorpusCase, format: ConcreteFormat, mistake: Mistake, filePath: string): string | null {
  const before = linesOf(c.before);
  const after = linesOf(c.after);
  const changes = changesOf(before, after);
  const comment = commentFor(c.ext);
  const lang = c.ext.slice(1);
  const F = fenceFor(c.before + c.after);
  if (format === 'whole') {
    if (mistake === 'none' || mistake === 'crlf-file') return `${filePath}\n${F}${lang}\n${after.join('\n')}\n${F}\n`;
    if (mistake !== 'elided-context' && mistake !== 'elided-tight') return null;
    // Unchanged runs longer than 6 lines, `keep` lines in from their ends, become "... existing code ...".
    const keep = mistake === 'elided-tight' ? 1 : 2;
    const out: string[] = [];
    let i = 0;
    let elided = false;
    for (const part of diffArrays(before, after)) {
      if (part.added) { out.push(...part.value); continue; }
      if (part.removed) { i += part.count; continue; }
      const run = part.value;
      if (run.length > 6) {
        const ind = indentOf(run[keep]);
        out.push(...run.slice(0, keep), `${ind}${comment} ... existing code ...`, ...run.slice(-keep));
        elided = true;
      } else out.push(...run);
      i += part.count;
    }
    return elided ? `${filePath}\n${F}${lang}\n${out.join('\n')}\n${F}\n` : null;
  }
  if (format === 'search-replace') {
    if (mistake === 'wrong-line-numbers' || mistake === 'no-line-numbers' || mistake === 'elided-tight') return null;
    const gap = mistake === 'elided-context' || mistake === 'elided-in-replace' ? 10 : 2;
    let blocks = blocksOf(before, changes, mistake === 'elided-context' ? 8 : 2, gap, true);
    if (mistake !== 'none' && mistake !== 'crlf-file') {
      const g = blocks.map((b) => garble(b, mistake, comment));
      if (g.every((b) => b === null)) return null;
      blocks = g.map((b, k) => b ?? blocks[k]);
    }
    return blocks.map((b) => `${filePath}\n${F}${lang}\n<<<<<<< SEARCH\n${b.search.join('\n')}\n=======\n${b.replace.join('\n')}\n>>>>>>> REPLACE\n${F}\n`).join('\n');
  }
  // udiff: three lines of context, hunks merged when closer than that, like `diff -u`.
  if (mistake === 'elided-tight' || mistake === 'elided-in-replace') return null;
  const gap = mistake === 'elided-context' ? 10 : 6;
  let blocks = blocksOf(before, changes, mistake === 'elided-context' ? 8 : 3, gap, false);
  if (!['none', 'crlf-file', 'wrong-line-numbers', 'no-line-numbers'].includes(mistake)) {
    const g = blocks.map((b) => garble(b, mistake, comment));
    if (g.every((b) => b === null)) return null;
    blocks = g.map((b, k) => b ?? blocks[k]);
  }
  let shift = 0;
  const hunks = blocks.map((b, k) => {
    const body = diffArrays(b.search, b.replace).flatMap((p) => p.value.map((l) => (p.added ? '+' : p.removed ? '-' : ' ') + l));
    let oldStart = b.start + 1;
    let newStart = b.start + 1 + shift;
    shift += b.replace.length - b.search.length;
    if (mistake === 'wrong-line-numbers') { const off = k % 2 === 0 ? 17 : -9; oldStart = Math.max(1, oldStart + off); newStart = Math.max(1, newStart + off); }
    if (mistake === 'no-line-numbers') return `@@ @@\n${body.join('\n')}`;
    return `@@ -${oldStart},${b.search.length} +${newStart},${b.replace.length} @@\n${body.join('\n')}`;
  });
  return `${F}diff\n--- a/${filePath}\n+++ b/${filePath}\n${hunks.join('\n')}\n${F}\n`;
}
