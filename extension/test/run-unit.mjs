// Unit tests of every part (server, native, extension logic, media): node's test runner over *.test.ts,
// TypeScript loaded by tsx. Tests that need VS Code itself live in extension/test/suite and run in run-ext-tests.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const skip = new Set(['node_modules', 'dist', 'build', '.cache', 'suite', 'vscode', 'fixtures']);

function findTests(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(full));
    else if (entry.name.endsWith('.test.ts')) found.push(path.relative(root, full));
  }
  return found;
}

const filter = process.argv.slice(2);
let files = ['native', 'server', 'extension', 'media'].filter((d) => fs.existsSync(path.join(root, d))).flatMap((d) => findTests(path.join(root, d)));
if (filter.length) files = files.filter((f) => filter.some((x) => f.includes(x)));
files.sort();
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
