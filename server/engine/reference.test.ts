// THE engine check: every case in fixtures/ (written by an independent float32 PyTorch reference) must match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadEngine } from './index';

const FIXTURES = path.join(__dirname, 'fixtures');
const TOLERANCE = 1e-4; // max|Δ| ≤ TOLERANCE · max|logit|

interface Expected {
  case: string;
  dtype: 'f32' | 'bf16' | 'fp8';
  tokens: number[];
  vocab: number;
  logits: string;
  mtp_logits?: string;
  greedy?: { prompt: number[]; max_tokens: number; tokens: number[] };
  notes?: string;
}

function readF32(file: string, length: number): Float32Array {
  const bytes = fs.readFileSync(file);
  assert.equal(bytes.length, length * 4, `${file}: ${bytes.length} bytes, expected ${length * 4}`);
  return Float32Array.from({ length }, (_, i) => bytes.readFloatLE(i * 4));
}

/** Worst relative error, and positions whose argmax differs although the reference's top-2 gap is clear. */
function compare(got: Float32Array, want: Float32Array, T: number, V: number): { rel: number; argmaxMismatches: number[] } {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
  }
  const argmaxMismatches: number[] = [];
  for (let t = 0; t < T; t++) {
    const w = want.subarray(t * V, (t + 1) * V);
    const g = got.subarray(t * V, (t + 1) * V);
    const order = Array.from(w.keys()).sort((a, b) => w[b] - w[a]);
    const gap = w[order[0]] - w[order[1]];
    let best = 0;
    for (let i = 1; i < V; i++) if (g[i] > g[best]) best = i;
    if (gap > 1e-3 * scale && best !== order[0]) argmaxMismatches.push(t);
  }
  return { rel: diff / scale, argmaxMismatches };
}

const cases = fs.existsSync(FIXTURES)
  ? fs.readdirSync(FIXTURES).filter((d) => fs.existsSync(path.join(FIXTURES, d, 'expected.json'))).sort()
  : [];

test('reference fixtures are present', () => {
  assert.ok(cases.length > 0, `no fixture cases with expected.json in ${FIXTURES}`);
});

for (const name of cases) {
  test(`reference case ${name}`, async (t) => {
    const dir = path.join(FIXTURES, name);
    const exp = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;
    const engine = await loadEngine(dir, { noTokenizer: !fs.existsSync(path.join(dir, 'tokenizer.json')) });
    const T = exp.tokens.length;
    const V = exp.vocab;
    assert.equal(engine.vocabSize, V);

    const main = compare(engine.logits(exp.tokens), readF32(path.join(dir, exp.logits), T * V), T, V);
    t.diagnostic(`${name} (${exp.dtype}): logits max|Δ|/max|logit| = ${main.rel.toExponential(2)}`);
    assert.ok(main.rel <= TOLERANCE, `${name}: logits relative error ${main.rel} > ${TOLERANCE}`);
    assert.deepEqual(main.argmaxMismatches, [], `${name}: argmax differs at positions with a clear top-2 gap`);

    if (exp.mtp_logits) {
      const mtp = compare(engine.logits(exp.tokens, { mtp: true }), readF32(path.join(dir, exp.mtp_logits), T * V), T, V);
      t.diagnostic(`${name} (${exp.dtype}): MTP logits max|Δ|/max|logit| = ${mtp.rel.toExponential(2)}`);
      assert.ok(mtp.rel <= TOLERANCE, `${name}: MTP logits relative error ${mtp.rel} > ${TOLERANCE}`);
      assert.deepEqual(mtp.argmaxMismatches, [], `${name}: MTP argmax differs at positions with a clear top-2 gap`);
    }

    if (exp.greedy) {
      const r = await engine.generate({ prompt: exp.greedy.prompt, maxTokens: exp.greedy.max_tokens, ignoreEos: true });
      assert.deepEqual(r.tokens, exp.greedy.tokens, `${name}: greedy continuation differs`);
    }
    engine.dispose();
  });
}
