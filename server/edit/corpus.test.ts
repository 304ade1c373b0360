// Scores the applier on real edits from public histories, rendered in every format with every model mistake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { applyModelAnswer } from './index';
import type { ConcreteFormat } from './types';
import { loadCorpus } from './testing/corpus';
import { MISTAKES, renderAnswer, type Mistake } from './testing/render';

const FORMATS: ConcreteFormat[] = ['search-replace', 'udiff', 'whole'];
/** Harder than the usual mistakes: scored for "never silently wrong" only, their exact rate is reported. */
const STRESS: Mistake[] = ['misquoted-line', 'elided-in-replace', 'elided-tight'];
const root = path.join('/nonexistent-root', 'project');
const toCrlf = (t: string) => t.replace(/\r?\n/g, '\r\n');

test('corpus: real edits are reproduced exactly, never silently wrong', () => {
  const corpus = loadCorpus();
  assert.ok(corpus.length >= 40, `expected at least 40 fixture pairs, found ${corpus.length}`);
  const rows: Record<string, { exact: number; error: number; wrong: number }> = {};
  const wrongs: string[] = [];
  const errors: string[] = [];
  for (const c of corpus) {
    const rel = `src/${c.name}${c.ext}`;
    for (const format of FORMATS) {
      for (const mistake of MISTAKES) {
        const answer = renderAnswer(c, format, mistake, rel);
        if (answer === null) continue;
        const crlf = mistake === 'crlf-file';
        const before = crlf ? toCrlf(c.before) : c.before;
        const expected = crlf ? toCrlf(c.after) : c.after;
        const result = applyModelAnswer(answer, [{ path: path.join(root, rel), text: before }], { format: 'auto', root });
        const row = (rows[`${format} × ${mistake}`] ??= { exact: 0, error: 0, wrong: 0 });
        if (!result.ok) { row.error++; errors.push(`${c.name} ${format} ${mistake}: ${result.error}`); continue; }
        const got = result.changes.find((ch) => ch.path === path.join(root, rel))?.newText;
        if (got === expected && result.format === format) row.exact++;
        else { row.wrong++; wrongs.push(`${c.name} ${format} ${mistake}`); }
      }
    }
  }
  const sum = (keys: string[]) => keys.reduce((a, k) => ({ exact: a.exact + rows[k].exact, n: a.n + rows[k].exact + rows[k].error + rows[k].wrong }), { exact: 0, n: 0 });
  const isStress = (k: string) => STRESS.some((m) => k.endsWith(` × ${m}`));
  const keys = Object.keys(rows).sort();
  const usual = sum(keys.filter((k) => !isStress(k)));
  const stress = sum(keys.filter(isStress));
  const pct = (t: { exact: number; n: number }) => `${t.exact}/${t.n} exact (${((100 * t.exact) / t.n).toFixed(1)}%)`;
  const table = keys.map((k) => `${k.padEnd(40)} ${String(rows[k].exact).padStart(4)} exact ${String(rows[k].error).padStart(3)} error ${String(rows[k].wrong).padStart(3)} wrong${isStress(k) ? '  (stress)' : ''}`);
  console.log([...table, `${'usual mistakes'.padEnd(40)} ${pct(usual)}`, `${'stress mistakes'.padEnd(40)} ${pct(stress)}`].join('\n'));
  if (errors.length && process.env.SHOW_EDIT_ERRORS) console.log('errors:\n  ' + errors.join('\n  '));
  assert.deepEqual(wrongs, [], 'silently wrong results');
  assert.ok(usual.exact / usual.n >= 0.98, `exact rate ${(usual.exact / usual.n).toFixed(3)} < 0.98 on the usual mistakes`);
});
