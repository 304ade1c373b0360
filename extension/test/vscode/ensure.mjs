// Makes sure a real VS Code can run here, offline: code-server 4.100.3 (VS Code 1.100.3, the newest release
// that runs on Node 20) from npm, plus Debian's chromium (the browser the tests drive) and ripgrep.
// Idempotent: does nothing when everything is already in place.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const harnessDir = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(harnessDir, '../../..');
export const codeServerBin = path.join(harnessDir, 'node_modules/.bin/code-server');
export const chromiumBin = '/usr/bin/chromium';

const log = (msg) => process.stderr.write(`[vscode-harness] ${msg}\n`);
const have = (file) => fs.existsSync(file);

function ensureAptPackages() {
  // chromium: the browser; ripgrep: VS Code's search (replaces @vscode/ripgrep's GitHub download);
  // libkrb5-dev: headers for code-server's kerberos module, compiled at install time.
  const missing = [];
  if (!have(chromiumBin)) missing.push('chromium');
  if (!have('/usr/bin/rg')) missing.push('ripgrep');
  if (!have('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  if (!missing.length) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')} — install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
}

function seedRipgrepCache() {
  // @vscode/ripgrep (pinned by code-server 4.100.3) looks in this cache before downloading from GitHub.
  const cache = path.join(os.tmpdir(), 'vscode-ripgrep-cache-1.15.11');
  const archive = path.join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (have(archive)) return;
  fs.mkdirSync(cache, { recursive: true });
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-stage-'));
  fs.copyFileSync('/usr/bin/rg', path.join(stage, 'rg'));
  execFileSync('tar', ['czf', archive, '-C', stage, 'rg']);
  fs.rmSync(stage, { recursive: true, force: true });
}

function ensureCodeServer() {
  const stamp = path.join(harnessDir, 'node_modules/.lock-installed');
  const lock = fs.readFileSync(path.join(harnessDir, 'package-lock.json'), 'utf8');
  if (have(codeServerBin) && have(stamp) && fs.readFileSync(stamp, 'utf8') === lock) return;
  log('npm ci code-server 4.100.3 (compiles its native modules; about a minute)');
  // unsafe_perm: code-server's postinstall refuses root without it; yes: node-pty's postinstall runs `npx node-gyp`.
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: harnessDir, stdio: 'inherit',
    env: { ...process.env, npm_config_unsafe_perm: 'true', npm_config_yes: 'true' },
  });
  if (r.status !== 0) throw new Error(`npm ci in ${harnessDir} failed (exit ${r.status})`);
  fs.writeFileSync(stamp, lock);
}

export function ensureVsCode() {
  ensureAptPackages();
  seedRipgrepCache();
  ensureCodeServer();
  return { codeServerBin, chromiumBin };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureVsCode();
  log('ready');
}
