// Applies the model's change (quoted → replacement) onto the file's actual lines: lines the model only
// re-quoted come from the file (keeping its whitespace), added lines are re-indented to the file's indentation.
import { diffArrays } from 'diff';
import { indentOf, isBlank } from '../lines';
import { isElisionLine } from './elision';
import { COST_MODELS, alignWithElisions, type AlignStep } from './elisionAlign';

export class MergeError extends Error {}

/**
 * actual[i] is the file line the model quoted as quoted[i] (same length).
 * Returns the lines that replace `actual`. Elision markers in the replacement keep the quoted lines they
 * stand for; a marker directly next to new lines is refused as ambiguous.
 */
export function mergeOnto(actual: string[], quoted: string[], replacement: string[]): string[] {
  if (actual.length !== quoted.length) throw new Error('mergeOnto: actual and quoted differ in length');
  if (replacement.some(isElisionLine)) return mergeElided(actual, quoted, replacement);
  const parts = diffArrays(quoted, replacement);
  const out: string[] = [];
  let qi = 0;
  let changeFrom = 0; // where the current run of removed/added lines starts in `quoted`
  let added: string[] = [];
  const reindent = reindenter(actual, quoted);
  const flush = () => {
    for (const line of added) out.push(reindent(line, changeFrom));
    added = [];
  };
  for (const part of parts) {
    if (part.added) {
      added.push(...part.value);
    } else if (part.removed) {
      qi += part.count;
    } else {
      flush();
      for (let k = 0; k < part.count; k++) out.push(actual[qi + k]);
      qi += part.count;
      changeFrom = qi;
    }
  }
  flush();
  return out;
}

/** Like mergeOnto, for a replacement whose "..." markers stand for runs of the quoted lines. */
function mergeElided(actual: string[], quoted: string[], replacement: string[]): string[] {
  let agreed: string[] | undefined;
  for (const costs of COST_MODELS) {
    const steps = alignWithElisions(quoted, replacement, costs);
    if (typeof steps === 'string') throw new MergeError(steps);
    const out = stepsToLines(steps, actual, quoted);
    if (agreed && (agreed.length !== out.length || agreed.some((l, i) => l !== out[i]))) {
      throw new MergeError('the elision markers can be read in more than one way (the unchanged lines around them recur); quote more unchanged lines around each change');
    }
    agreed = out;
  }
  return agreed!;
}

function stepsToLines(steps: AlignStep[], actual: string[], quoted: string[]): string[] {
  const out: string[] = [];
  const reindent = reindenter(actual, quoted);
  let qi = 0;
  for (const s of steps) {
    if (s.op === 'keep' || s.op === 'elide') { out.push(actual[s.from]); qi = s.from + 1; }
    else if (s.op === 'delete') qi = s.from + 1;
    else if (s.op === 'insert') out.push(reindent(s.line, qi));
  }
  return out;
}

/** Indentation unit the model used: smallest positive step between quoted indents, or 4. */
function indentUnit(lines: string[]): number {
  let unit = 0;
  const widths = lines.filter((l) => !isBlank(l)).map((l) => indentOf(l).replace(/\t/g, '    ').length);
  for (let i = 1; i < widths.length; i++) {
    const d = Math.abs(widths[i] - widths[i - 1]);
    if (d > 0 && (unit === 0 || d < unit)) unit = d;
  }
  return unit || 4;
}

/**
 * Re-indents the lines added among `quoted` (the model's copy of `actual`): by the model→file indentation seen on
 * quoted lines, else relative to the nearest one. What depends only on the block is worked out once, not per line.
 */
function reindenter(actual: string[], quoted: string[]): (line: string, near: number) => string {
  // Quoted with the file's own indentation everywhere: the model's new lines are as it means them.
  let identity = true;
  let pairs = 0;
  for (let i = 0; i < quoted.length && identity; i++) {
    if (isBlank(quoted[i]) || isBlank(actual[i])) continue;
    pairs++;
    identity = indentOf(quoted[i]) === indentOf(actual[i]);
  }
  if (identity && pairs > 0) return (line) => line;
  const fileUsesTabs = actual.some((l) => l.startsWith('\t')) && !actual.some((l) => l.startsWith('  '));
  const quotedUsesTabs = quoted.some((l) => l.startsWith('\t'));
  const unit = indentUnit(quoted);
  const cols = (s: string) => s.replace(/\t/g, ' '.repeat(unit)).length;
  return (line, near) => {
    if (line === '') return line;
    const lInd = indentOf(line);
    const body = line.slice(lInd.length);
    // The nearest quoted line indented like this one shows how the file writes that indentation.
    for (let d = 0; d < quoted.length; d++) {
      for (const i of [near - 1 - d, near + d]) {
        if (i < 0 || i >= quoted.length || isBlank(quoted[i]) || isBlank(actual[i])) continue;
        if (indentOf(quoted[i]) === lInd) return indentOf(actual[i]) + body;
      }
    }
    if (isBlank(line)) return line;
    let anchor = -1;
    for (let i = Math.min(near, quoted.length) - 1; i >= 0; i--) if (!isBlank(quoted[i]) && !isBlank(actual[i])) { anchor = i; break; }
    if (anchor < 0) for (let i = near; i < quoted.length; i++) if (!isBlank(quoted[i]) && !isBlank(actual[i])) { anchor = i; break; }
    if (anchor < 0) return line;
    const qInd = indentOf(quoted[anchor]);
    const fInd = indentOf(actual[anchor]);
    const modelUsesTabs = lInd.includes('\t') || quotedUsesTabs;
    if (qInd === fInd && fileUsesTabs === modelUsesTabs) return line;
    const delta = cols(lInd) - cols(qInd); // the added line's depth relative to the anchor, in columns
    if (fileUsesTabs) {
      // Whole units become tabs; a remainder (the space before " * " in a doc comment) stays spaces.
      const width = Math.max(0, cols(fInd) + delta);
      return '\t'.repeat(Math.floor(width / unit)) + ' '.repeat(width % unit) + body;
    }
    return ' '.repeat(Math.max(0, cols(fInd) + delta)) + body;
  };
}
