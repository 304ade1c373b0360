// Starts a throw-away code-server (a real VS Code) on 127.0.0.1 and opens it in headless Debian chromium.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ensureVsCode } from './ensure.mjs';

const freePort = () => new Promise((resolve) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

const baseSettings = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'editor.inlineSuggest.enabled': true,
  // npm start's sample workspace lives inside this repository's .cache/: no "open the parent repository?" prompt.
  'git.openRepositoryInParentFolders': 'never',
};

/**
 * @param {{ settings?: object, port?: number, host?: string, vsix?: string, env?: object, keep?: boolean }} opts
 * @returns {Promise<{ port: number, url: (folder: string, payload?: Array<[string,string]>) => string,
 *   authority: string, tmp: string, log: string[], stop: () => Promise<void> }>}
 */
export async function startCodeServer(opts = {}) {
  const { codeServerBin } = ensureVsCode();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dsl-vscode-'));
  const port = opts.port ?? await freePort();
  const host = opts.host ?? '127.0.0.1';
  fs.mkdirSync(path.join(tmp, 'ud/User'), { recursive: true });
  fs.mkdirSync(path.join(tmp, 'ext'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'ud/User/settings.json'), JSON.stringify({ ...baseSettings, ...opts.settings }, null, 2));
  fs.writeFileSync(path.join(tmp, 'config.yaml'), '');
  const common = ['--config', path.join(tmp, 'config.yaml'), '--user-data-dir', path.join(tmp, 'ud'),
    '--extensions-dir', path.join(tmp, 'ext')];
  if (opts.vsix) execFileSync(codeServerBin, [...common, '--install-extension', opts.vsix], { stdio: 'pipe' });

  const log = [];
  const server = spawn(codeServerBin, [...common, '--auth', 'none', '--bind-addr', `${host}:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override'],
  { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, ...opts.env } });
  server.stdout.on('data', (d) => log.push(d.toString()));
  server.stderr.on('data', (d) => log.push(d.toString()));
  const exited = new Promise((resolve) => server.on('exit', resolve));

  for (let i = 0; ; i++) {
    try { if ((await fetch(`http://${host}:${port}/healthz`)).ok) break; } catch { /* not up yet */ }
    if (i > 600) throw new Error('code-server did not start:\n' + log.join(''));
    await new Promise((r) => setTimeout(r, 100));
  }
  const authority = `${host}:${port}`;
  return {
    port, authority, tmp, log, server,
    url(folder, payload) {
      let u = `http://${authority}/?folder=${encodeURIComponent(folder)}`;
      if (payload) u += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return u;
    },
    async stop() {
      // code-server keeps its extension host alive after the browser leaves: kill the whole process group.
      try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      try { process.kill(-server.pid, 'SIGKILL'); } catch { /* already gone */ }
      if (!opts.keep) fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Headless Debian chromium, with the flags this closed network needs. */
export async function launchBrowser(profileDir) {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? await context.newPage();
  return { context, page };
}
