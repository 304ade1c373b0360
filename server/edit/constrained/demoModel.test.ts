// Measurement on the demo model (random weights): how often its edit answers apply, unconstrained vs constrained.
// The random model never writes a parseable edit on its own; under the grammar every answer applies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalBackend } from '../../backends/local';
import type { GenerateOptions } from '../../backends/api';
import { makeDemoModel } from '../../engine/demo-model';
import { buildChatMessages } from '../../prompt/chat';
import { applyModelAnswer, applyTextEdits, editPrompt } from '../index';
import { FileSpans, searchReplaceConstraint, type LineRegion } from './index';
import { assertOnlyRegionChanged } from './testSupport';

const CASES = path.join(__dirname, '../fixtures/cases');
let tmp: string;
let backend: LocalBackend;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dsl-constrained-'));
  await makeDemoModel(tmp);
  backend = await LocalBackend.load(tmp);
});

after(() => {
  backend?.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A few files × instructions, each about a selection. */
const REQUESTS: Array<{ file: string; region: LineRegion; instruction: string }> = [
  { file: 'pallets-itsdangerous-113ef4df.before.py.txt', region: { startLine: 10, endLine: 24 }, instruction: 'Sort the classifiers alphabetically.' },
  { file: 'pallets-itsdangerous-1848718e.before.py.txt', region: { startLine: 1, endLine: 20 }, instruction: 'Add type hints.' },
  { file: 'google-uuid-016b1995.before.go.txt', region: { startLine: 20, endLine: 45 }, instruction: 'Add a doc comment to each function.' },
  { file: 'google-uuid-0cd6bf5d.before.go.txt', region: { startLine: 5, endLine: 30 }, instruction: 'Rename the receiver to u.' },
];

const MAX_TOKENS = 80;

test('demo model: constrained edit answers always apply (unconstrained ones do not)', { timeout: 300_000 }, async () => {
  const tally = { unconstrained: 0, constrained: 0, total: 0 };
  const rows: string[] = [];
  for (const req of REQUESTS) {
    const text = fs.readFileSync(path.join(CASES, req.file), 'utf8');
    const name = req.file.replace(/\.before\.(\w+)\.txt$/, '.$1');
    const messages = buildChatMessages([{ role: 'user', content: editPrompt('search-replace', { path: name, text }, req.instruction, req.region) }]);
    const spans = new FileSpans(text, name, req.region);
    for (const temperature of [0, 0.8]) {
      const applies = async (opts: Partial<GenerateOptions>) => {
        const r = await backend.chat(messages, { maxTokens: MAX_TOKENS, temperature, priority: 'edit', ...opts });
        const applied = applyModelAnswer(r.text, [{ path: name, text }], { format: 'search-replace', root: tmp, defaultPath: name });
        return { r, applied };
      };
      const free = await applies({});
      const bound = await applies({ constraint: (tok, maxTokens) => searchReplaceConstraint(tok, spans, { maxTokens, maxReplaceLines: 8 }) });
      tally.total++;
      if (free.applied.ok) tally.unconstrained++;
      if (bound.applied.ok) {
        tally.constrained++;
        assertOnlyRegionChanged(text, applyTextEdits(text, bound.applied.changes[0].edits), req.region, `${name} t=${temperature}`);
      }
      rows.push(`${name} t=${temperature}: unconstrained ${free.applied.ok ? 'applies' : 'fails'} (${free.r.completionTokens} tokens), ` +
        `constrained ${bound.applied.ok ? 'applies' : `FAILS: ${bound.applied.error}`} (${bound.r.completionTokens} tokens, ${bound.r.stopReason}, ${(bound.r.tokensPerSecond ?? 0).toFixed(0)} tok/s)`);
    }
  }
  const pct = (n: number) => `${n}/${tally.total} (${Math.round((100 * n) / tally.total)}%)`;
  console.log(`edit answers that apply on the demo model, max ${MAX_TOKENS} tokens:\n  ${rows.join('\n  ')}\n` +
    `  unconstrained: ${pct(tally.unconstrained)}   constrained: ${pct(tally.constrained)}`);
  assert.equal(tally.constrained, tally.total, rows.join('\n'));
});

test('a constrained edit overtaken by an inline completion resumes under the same grammar and still applies', { timeout: 120_000 }, async () => {
  const req = REQUESTS[0];
  const text = fs.readFileSync(path.join(CASES, req.file), 'utf8');
  const messages = buildChatMessages([{ role: 'user', content: editPrompt('search-replace', { path: 'setup.py', text }, req.instruction, req.region) }]);
  const spans = new FileSpans(text, 'setup.py', req.region);
  const order: string[] = [];
  let pieces = 0;
  let completion: Promise<unknown> | undefined;
  const edit = await backend.chat(messages, {
    maxTokens: MAX_TOKENS, temperature: 1, priority: 'edit',
    constraint: (tok, maxTokens) => searchReplaceConstraint(tok, spans, { maxTokens, maxReplaceLines: 8 }),
    onText: () => {
      if (++pieces === 5) completion = backend.complete({ prefix: 'x = ' }, { maxTokens: 3 }).then(() => order.push(`completion@${pieces}`));
    },
  });
  order.push('edit');
  await completion;
  assert.match(order[0], /^completion@/, order.join(' '));
  const applied = applyModelAnswer(edit.text, [{ path: 'setup.py', text }], { format: 'search-replace', root: tmp, defaultPath: 'setup.py' });
  assert.ok(applied.ok, applied.ok ? '' : `${applied.error}\n${edit.text}`);
  assertOnlyRegionChanged(text, applyTextEdits(text, applied.changes[0].edits), req.region, 'resumed edit');
});
