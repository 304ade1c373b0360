import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { command } from './make-demo-model';
import { makeDemoModel } from '../engine/demo-model';
import { loadEngine } from '../engine/index';

test('make-demo-model writes the same bytes every run and the folder loads with its tokenizer', async () => {
  const a = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-demo-a-'));
  const b = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-demo-b-'));
  assert.equal(await command.run(['--out', a]), 0);
  await makeDemoModel(b);
  const files = fs.readdirSync(a).sort();
  assert.deepEqual(files, ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
  for (const f of files) assert.ok(fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))), `${f} differs between runs`);
  const size = fs.statSync(path.join(a, 'model.safetensors')).size;
  assert.ok(size > 10e6 && size < 40e6, `model.safetensors is ${size} bytes`);

  const engine = await loadEngine(a);
  assert.equal(engine.modelType, 'deepseek_v3');
  assert.equal(engine.vocabSize, 129280);
  assert.ok(engine.tokenizer);
  const prompt = engine.tokenizer.encode('def add(a, b):', { addBos: true });
  const r = await engine.generate({ prompt, maxTokens: 4, ignoreEos: true });
  assert.equal(r.tokens.length, 4);
  assert.ok(engine.logits(prompt, { mtp: true }).length === prompt.length * 129280);
  await assert.rejects(command.run([]), /--out DIR is required/);
});
