// The `tokenize` subcommand, run as a user would through the CLI entry point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { deepseekV3TokenizerFiles } from './files';
import { deepseekV3 } from './testSupport';

const root = path.resolve(__dirname, '../..');
const modelDir = path.dirname(deepseekV3TokenizerFiles().tokenizerJson);
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'tokenize', ...args], { cwd: root, encoding: 'utf8' });

test('tokenize --text prints the ids encode() gives, --decode turns them back', async () => {
  const tok = await deepseekV3();
  const text = 'fn main() { println!("héllo 世界"); }';
  const encoded = cli('--model', modelDir, '--text', text);
  assert.equal(encoded.status, 0, encoded.stderr);
  const ids = JSON.parse(encoded.stdout) as number[];
  assert.deepEqual(ids, tok.encode(text));
  const decoded = cli('--model', modelDir, '--decode', ids.join(','));
  assert.equal(decoded.status, 0, decoded.stderr);
  assert.equal(decoded.stdout, `<｜begin▁of▁sentence｜>${text}\n`);
});

test('tokenize reports a folder without tokenizer.json', () => {
  const run = cli('--model', root, '--text', 'x');
  assert.equal(run.status, 1);
  assert.match(run.stderr, /has no tokenizer\.json/);
});
