// The embedded default model: made once by the CLI into .cache/demo-model (deterministic, so reusable).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './ensure.mjs';

export function ensureDemoModel() {
  const dir = path.join(repoRoot, '.cache/demo-model');
  if (fs.existsSync(path.join(dir, 'config.json')) && fs.existsSync(path.join(dir, 'model.safetensors'))) return dir;
  const cli = path.join(repoRoot, 'dist/cli.js');
  if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  execFileSync(process.execPath, [cli, 'make-demo-model', '--out', dir], { stdio: 'inherit' });
  return dir;
}
