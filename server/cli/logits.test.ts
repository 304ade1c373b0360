import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { command } from './logits';
import { loadEngine } from '../engine/index';
import { makeTinyModel, TINY_V3 } from '../engine/test-models';

test('logits CLI writes little-endian float32 [T, vocab] equal to engine.logits (main and MTP)', async () => {
  const dir = makeTinyModel(TINY_V3, { dtype: 'bf16' });
  const engine = await loadEngine(dir, { noTokenizer: true });
  for (const mtp of [false, true]) {
    const out = path.join(dir, `out-${mtp}.f32`);
    assert.equal(await command.run(['--model', dir, '--tokens', '0,17,42,5', ...(mtp ? ['--mtp'] : []), '--out', out, '--threads', '1']), 0);
    const bytes = fs.readFileSync(out);
    assert.equal(bytes.length, 4 * 96 * 4);
    const got = Float32Array.from({ length: 4 * 96 }, (_, i) => bytes.readFloatLE(i * 4));
    assert.deepEqual(got, engine.logits([0, 17, 42, 5], { mtp }));
  }
});

test('logits CLI: bad arguments are clear errors and write nothing', async () => {
  const dir = makeTinyModel(TINY_V3, { dtype: 'bf16' });
  const out = path.join(dir, 'never.f32');
  await assert.rejects(command.run(['--model', dir, '--tokens', '0,x', '--out', out]), /"x" is not a token id/);
  await assert.rejects(command.run(['--model', dir, '--tokens', '0,1000', '--out', out]), /token id 1000 is outside the vocabulary/);
  await assert.rejects(command.run(['--model', dir, '--tokens', '0']), /--out FILE/);
  await assert.rejects(command.run(['--model', path.join(dir, 'missing'), '--tokens', '0', '--out', out]), /config\.json/);
  assert.equal(fs.existsSync(out), false);
});

test('logits CLI --quant int8 writes the quantized engine\'s logits; a bad --quant value writes nothing', async () => {
  const dir = makeTinyModel(TINY_V3, { dtype: 'bf16' });
  const out = path.join(dir, 'q.f32');
  assert.equal(await command.run(['--model', dir, '--tokens', '0,17,42', '--quant', 'int8', '--out', out]), 0);
  const bytes = fs.readFileSync(out);
  const got = Float32Array.from({ length: 3 * 96 }, (_, i) => bytes.readFloatLE(i * 4));
  assert.deepEqual(got, (await loadEngine(dir, { noTokenizer: true, quant: 'int8' })).logits([0, 17, 42]));
  assert.notDeepEqual(got, (await loadEngine(dir, { noTokenizer: true })).logits([0, 17, 42]));
  const never = path.join(dir, 'never-q.f32');
  await assert.rejects(command.run(['--model', dir, '--tokens', '0', '--quant', 'int2', '--out', never]), /--quant must be int8 or int4/);
  assert.equal(fs.existsSync(never), false);
});
