// Builds the bundles and packages the extension into a .vsix, as `npm start` does (once per test run).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../ensure.mjs';

/** Runs a build step; on failure the error names the step and carries its output. */
function step(what, cmd, args) {
  try {
    execFileSync(cmd, args, { cwd: repoRoot, stdio: 'pipe', encoding: 'utf8' });
  } catch (err) {
    throw new Error(`${what} failed (exit ${err.status}):\n${String(err.stdout ?? '')}${String(err.stderr ?? '')}`.slice(0, 8000));
  }
}

/** `node esbuild.mjs` then `vsce package`; returns the path of the .vsix written into `outDir`. */
export function buildAndPackage(outDir) {
  step('node esbuild.mjs', process.execPath, ['esbuild.mjs']);
  const vsix = path.join(outDir, 'deepseek-local.vsix');
  step('vsce package', path.join(repoRoot, 'node_modules/.bin/vsce'),
    ['package', '--no-dependencies', '--skip-license', '--out', vsix]);
  return vsix;
}
