// Structural check of the checked-in reference fixtures (server/engine/fixtures/): every file the
// engine's comparison test relies on exists, parses, and matches the shared contract. The numbers
// themselves are checked by the Python self-checks (test_reference.py), run here when torch exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const here = path.dirname(new URL(import.meta.url).pathname);
const fixtures = path.join(here, '..', 'fixtures');
const CASES = ['v3_f32', 'v3_bf16', 'v3_fp8', 'v2_f32', 'v2_group_f32', 'v2_bf16'];

interface Entry { dtype: string; shape: number[]; data_offsets: [number, number] }

/** Header of one safetensors file, validated against the file's length. */
function readHeader(file: string): Record<string, Entry> {
  const buf = fs.readFileSync(file);
  const n = Number(buf.readBigUInt64LE(0));
  assert.equal(n % 8, 0, `${file}: header length ${n} not padded to 8`);
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, Entry>;
  delete header.__metadata__;
  const dataLen = buf.length - 8 - n;
  const size: Record<string, number> = { F32: 4, BF16: 2, F8_E4M3: 1 };
  const spans = Object.entries(header).map(([name, e]) => {
    assert.ok(size[e.dtype], `${file}: ${name} has unexpected dtype ${e.dtype}`);
    const [b, end] = e.data_offsets;
    assert.equal(end - b, e.shape.reduce((a, d) => a * d, 1) * size[e.dtype], `${file}: ${name} byte length`);
    assert.equal(b % size[e.dtype], 0, `${file}: ${name} misaligned`);
    return [b, end];
  }).sort((x, y) => x[0] - y[0]);
  let at = 0;
  for (const [b, end] of spans) { assert.equal(b, at, `${file}: gap/overlap in data`); at = end; }
  assert.equal(at, dataLen, `${file}: data section length`);
  return header;
}

/** Tensor names a config implies, derived here independently from the HF naming rules. */
function expectedNames(cfg: Record<string, any>, stored: Set<string>): string[] {
  const names = ['model.embed_tokens.weight', 'model.norm.weight'];
  if (!cfg.tie_word_embeddings) names.push('lm_head.weight');
  const isMoe = (i: number) => cfg.n_routed_experts && i >= cfg.first_k_dense_replace && i % cfg.moe_layer_freq === 0;
  const block = (i: number) => {
    const p = `model.layers.${i}.`;
    const a = p + 'self_attn.';
    names.push(p + 'input_layernorm.weight', p + 'post_attention_layernorm.weight',
      a + 'kv_a_proj_with_mqa.weight', a + 'kv_a_layernorm.weight', a + 'kv_b_proj.weight', a + 'o_proj.weight');
    if (cfg.q_lora_rank) names.push(a + 'q_a_proj.weight', a + 'q_a_layernorm.weight', a + 'q_b_proj.weight');
    else names.push(a + 'q_proj.weight');
    const mlp = (q: string) => names.push(q + 'gate_proj.weight', q + 'up_proj.weight', q + 'down_proj.weight');
    if (!isMoe(i)) { mlp(p + 'mlp.'); return; }
    names.push(p + 'mlp.gate.weight');
    if (cfg.topk_method === 'noaux_tc') names.push(p + 'mlp.gate.e_score_correction_bias');
    for (let j = 0; j < cfg.n_routed_experts; j++) mlp(`${p}mlp.experts.${j}.`);
    if (cfg.n_shared_experts) mlp(p + 'mlp.shared_experts.');
  };
  for (let i = 0; i < cfg.num_hidden_layers; i++) block(i);
  if (cfg.num_nextn_predict_layers) {
    const L = cfg.num_hidden_layers;
    const p = `model.layers.${L}.`;
    block(L);
    names.push(p + 'enorm.weight', p + 'hnorm.weight', p + 'eh_proj.weight', p + 'shared_head.norm.weight');
    for (const opt of ['shared_head.head.weight', 'embed_tokens.weight']) if (stored.has(p + opt)) names.push(p + opt);
  }
  return names.sort();
}

function loadCase(name: string) {
  const dir = path.join(fixtures, name);
  const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
  const exp = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
  const indexFile = path.join(dir, 'model.safetensors.index.json');
  const index = fs.existsSync(indexFile) ? JSON.parse(fs.readFileSync(indexFile, 'utf8')) : undefined;
  const files: string[] = index ? [...new Set(Object.values(index.weight_map) as string[])] : ['model.safetensors'];
  const tensors: Record<string, Entry & { file: string }> = {};
  for (const f of files) {
    for (const [n, e] of Object.entries(readHeader(path.join(dir, f)))) {
      assert.ok(!(n in tensors), `${name}: ${n} stored twice`);
      tensors[n] = { ...e, file: f };
    }
  }
  return { dir, cfg, exp, index, files, tensors };
}

for (const name of CASES) {
  test(`fixture ${name}: contract files and tensor layout`, () => {
    const { dir, cfg, exp, index, files, tensors } = loadCase(name);
    assert.equal(exp.case, name);
    assert.equal(exp.vocab, cfg.vocab_size);
    const T = exp.tokens.length;
    assert.ok(T >= 24 && T <= 40, `${name}: T=${T}`);
    assert.ok(exp.tokens.every((t: number) => Number.isInteger(t) && t >= 0 && t < exp.vocab));
    assert.equal(fs.statSync(path.join(dir, exp.logits)).size, T * exp.vocab * 4);
    assert.equal('mtp_logits' in exp, cfg.num_nextn_predict_layers > 0);
    if (exp.mtp_logits) assert.equal(fs.statSync(path.join(dir, exp.mtp_logits)).size, T * exp.vocab * 4);
    assert.equal(exp.greedy.tokens.length, exp.greedy.max_tokens);
    assert.ok(!exp.greedy.tokens.includes(cfg.eos_token_id), 'EOS must not cut greedy generation short');

    const stored = new Set(Object.keys(tensors).filter((n) => !n.endsWith('_scale_inv')));
    assert.deepEqual([...stored].sort(), expectedNames(cfg, stored));

    for (const [n, e] of Object.entries(tensors)) {
      if (n.endsWith('_scale_inv')) {
        const w = tensors[n.slice(0, -'_scale_inv'.length)];
        assert.equal(w?.dtype, 'F8_E4M3', `${name}: ${n} without an fp8 weight`);
        assert.deepEqual(e.shape, [Math.ceil(w.shape[0] / 128), Math.ceil(w.shape[1] / 128)]);
        assert.equal(e.dtype, 'F32');
        continue;
      }
      const quantizable = e.shape.length === 2 && !/embed_tokens|lm_head|shared_head\.head|mlp\.gate\.weight/.test(n);
      const want = n.endsWith('e_score_correction_bias') ? 'F32'
        : exp.dtype === 'f32' ? 'F32' : exp.dtype === 'bf16' ? 'BF16' : quantizable ? 'F8_E4M3' : 'BF16';
      assert.equal(e.dtype, want, `${name}: ${n}`);
    }
    if (exp.dtype === 'fp8') {
      assert.equal(cfg.quantization_config.quant_method, 'fp8');
      const blocks = Object.values(tensors).filter((e) => e.dtype === 'F8_E4M3').map((e) => e.shape);
      assert.ok(blocks.some(([r, c]) => r > 128 || c > 128), 'some fp8 weight spans several blocks');
      assert.ok(blocks.every(([r, c]) => r % 128 !== 0 || c % 128 !== 0), 'partial blocks everywhere');
    }
    if (index) {
      assert.ok(files.length >= 2);
      assert.deepEqual(Object.keys(index.weight_map).sort(), Object.keys(tensors).sort());
      for (const [n, f] of Object.entries(index.weight_map)) assert.equal(tensors[n].file, f);
      const bytes = Object.values(tensors).reduce((s, e) => s + e.data_offsets[1] - e.data_offsets[0], 0);
      assert.equal(index.metadata.total_size, bytes);
    }
  });
}

test('fixtures: at least one sharded case, all together under 4 MB', () => {
  assert.ok(CASES.some((c) => fs.existsSync(path.join(fixtures, c, 'model.safetensors.index.json'))));
  let total = 0;
  for (const c of CASES) {
    for (const f of fs.readdirSync(path.join(fixtures, c))) total += fs.statSync(path.join(fixtures, c, f)).size;
  }
  assert.ok(total < 4 * 1024 * 1024, `fixtures take ${total} bytes`);
});

const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const skip = !hasTorch && 'no /usr/bin/python3 with torch';
test('python reference self-checks (absorbed MLA, routing, codecs, fixtures reproduce)', { skip }, () => {
  const r = spawnSync('/usr/bin/python3', ['-B', '-m', 'unittest', 'discover', '-s', here, '-p', 'test_*.py'],
    { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr.slice(-4000));
});
