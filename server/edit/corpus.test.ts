// Scores the applier on real edits from public histories, rendered in every format with every model mistake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { applyModelAnswer } from './index';
import type { ConcreteFormat } from './types';
import { loadCorpus } from './testing/corpus';
import { MISTAKES, renderAnswer } from './testing/render';

const FORMATS: ConcreteFormat[] = ['search-replace', 'udiff', 'whole'];
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
  const total = Object.values(rows).reduce((a, r) => ({ exact: a.exact + r.exact, error: a.error + r.error, wrong: a.wrong + r.wrong }), { exact: 0, error: 0, wrong: 0 });
  const n = total.exact + total.error + total.wrong;
  const table = Object.entries(rows).map(([k, r]) => `${k.padEnd(40)} ${String(r.exact).padStart(4)} exact ${String(r.error).padStart(3)} error ${String(r.wrong).padStart(3)} wrong`);
  console.log([...table, `${'TOTAL'.padEnd(40)} ${total.exact}/${n} exact (${((100 * total.exact) / n).toFixed(1)}%)`].join('\n'));
  if (errors.length) console.log('errors:\n  ' + errors.join('\n  '));
  assert.deepEqual(wrongs, [], 'silently wrong results');
  assert.ok(total.exact / n >= 0.98, `exact rate ${(total.exact / n).toFixed(3)} < 0.98`);
});
