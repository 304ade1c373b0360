import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rememberRecent, validateModelFolder } from './modelFolder';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dsl-model-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

test('accepts a DeepSeek-V3 folder', async () => {
  const dir = folder({ 'config.json': '{"model_type":"deepseek_v3"}', 'model.safetensors': '', 'tokenizer.json': '{}' });
  assert.deepEqual(await validateModelFolder(dir), { ok: true, modelType: 'deepseek_v3', warnings: [] });
});

test('warns when tokenizer.json is missing', async () => {
  const dir = folder({ 'config.json': '{"model_type":"deepseek_v2"}', 'a-00001.safetensors': '' });
  const r = await validateModelFolder(dir);
  assert.equal(r.ok, true);
  assert.match(r.ok ? r.warnings[0] : '', /tokenizer\.json/);
});

test('rejects folders with a clear message naming the fault', async () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{}, /no config\.json/],
    [{ 'config.json': '{oops' }, /config\.json: not valid JSON/],
    [{ 'config.json': '{}' }, /no "model_type"/],
    [{ 'config.json': '{"model_type":"llama"}', 'w.safetensors': '' }, /"llama" is not supported/],
    [{ 'config.json': '{"model_type":"deepseek_v3"}' }, /no \*\.safetensors/],
  ];
  for (const [files, expected] of cases) {
    const r = await validateModelFolder(folder(files));
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.message, expected);
  }
  const missing = await validateModelFolder(path.join(os.tmpdir(), 'dsl-does-not-exist-42'));
  assert.match(missing.ok ? '' : missing.message, /cannot read the folder \(ENOENT\)/);
});

test('rememberRecent moves to front, dedupes, caps', () => {
  assert.deepEqual(rememberRecent(['a', 'b', 'c'], 'b'), ['b', 'a', 'c']);
  assert.deepEqual(rememberRecent(['a', 'b', 'c'], 'd', 3), ['d', 'a', 'b']);
});
