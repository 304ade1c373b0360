import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadEngine } from '../engine/index';
import { makeTinyModel, TINY_V3 } from '../engine/test-models';

const root = path.resolve(__dirname, '../..');
const cli = (args: string[]): string =>
  execFileSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'generate', ...args], { cwd: root, encoding: 'utf8' });

test('generate CLI --json prints the generated ids (greedy = engine.generate); sampling is seeded', async () => {
  const dir = makeTinyModel(TINY_V3, { dtype: 'bf16' });
  const out = JSON.parse(cli(['--model', dir, '--tokens', '0,5,17,42', '--max-tokens', '5', '--ignore-eos', '--json', '--threads', '1']));
  const engine = await loadEngine(dir, { noTokenizer: true });
  const want = await engine.generate({ prompt: [0, 5, 17, 42], maxTokens: 5, ignoreEos: true });
  assert.deepEqual(out, { tokens: want.tokens, text: null }); // no tokenizer.json → no text
  const sampled = ['--model', dir, '--tokens', '0,5', '--max-tokens', '6', '--temperature', '1', '--top-p', '0.9', '--seed', '9', '--ignore-eos', '--json'];
  assert.deepEqual(JSON.parse(cli(sampled)), JSON.parse(cli(sampled)));
  const bad = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'generate', '--model', dir, '--prompt', 'hi'], { cwd: root, encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /no tokenizer\.json/);
});

test('generate, logits and tokenize print their usage for --help (0) and refuse an unknown option (2)', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { cwd: root, encoding: 'utf8' });
  for (const name of ['generate', 'logits', 'tokenize']) {
    const help = run(name, '--help');
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, new RegExp(`^usage: deepseek-local ${name} --model DIR`));
    const bad = run(name, '--nope');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, new RegExp(`^deepseek-local ${name}: .*--nope[^]*usage: deepseek-local ${name}`));
  }
});
