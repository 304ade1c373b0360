// `npm test`: build, type-check, then every suite — unit tests (node:test), extension-host tests inside a real VS Code,
// and browser end-to-end tests — and one closing summary line over all of them.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const suites = [
  { name: 'build', cmd: ['esbuild.mjs'] },
  { name: 'types', cmd: ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.'] }, // esbuild does not type-check
  { name: 'unit', cmd: ['extension/test/run-unit.mjs'] },
  { name: 'vscode', cmd: ['extension/test/vscode/run-ext-tests.mjs'] },
  { name: 'e2e', cmd: ['--test', '--test-reporter=spec', 'extension/test/vscode/ui.test.mjs'] },
];

/** Runs one suite, echoing its output, and reads the pass/fail counts from its runner's summary. */
function runSuite({ name, cmd }) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    process.stdout.write(`\n=== ${name} ===\n`);
    const child = spawn(process.execPath, cmd, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const echo = (stream) => (d) => { out += d; stream.write(d); };
    child.stdout.on('data', echo(process.stdout));
    child.stderr.on('data', echo(process.stderr));
    child.on('close', (code) => {
      const num = (re) => { let n = 0; for (const m of out.matchAll(re)) n = Number(m[1]); return n; };
      const passed = num(/^ℹ pass (\d+)$/gm) + num(/^\s*(\d+) passing/gm);
      const failed = num(/^ℹ fail (\d+)$/gm) + num(/^\s*(\d+) failing/gm);
      resolve({ name, code, passed, failed, seconds: (Date.now() - t0) / 1000 });
    });
  });
}

const only = process.argv.slice(2);
const results = [];
for (const suite of suites) {
  if (only.length && !only.includes(suite.name) && suite.name !== 'build') continue;
  const r = await runSuite(suite);
  results.push(r);
  if (suite.name === 'build' && r.code !== 0) break;
}
console.log('\n=== summary ===');
for (const r of results) console.log(`${r.name.padEnd(8)} exit ${r.code}  ${r.passed} passed, ${r.failed} failed  (${r.seconds.toFixed(1)} s)`);
const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0) + results.filter((r) => r.code !== 0 && r.failed === 0).length;
console.log(`${passed} passed, ${failed} failed`);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
