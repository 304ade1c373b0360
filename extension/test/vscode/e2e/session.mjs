// One browser e2e session: the packaged extension in a throw-away code-server, a temp copy of the sample
// workspace, headless chromium on it, and the evidence (screenshots, log tails) a failing test needs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, startCodeServer } from '../code-server.mjs';
import { harnessDir, repoRoot } from '../ensure.mjs';

export const screenshotDir = path.join(repoRoot, '.cache/screenshots');

/** Every file under `dir` whose name matches `re` (the extension's log sits somewhere under the profile). */
function findFiles(dir, re, found = []) {
  let entries = [];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return found; }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) findFiles(p, re, found);
    else if (re.test(e.name)) found.push(p);
  }
  return found;
}

const tail = (text, lines) => text.split('\n').slice(-lines).join('\n');

/**
 * @param {{ vsix: string, settings?: object }} opts
 * @returns {Promise<{ page: import('playwright-core').Page, workspace: string, file: (name: string) => string,
 *   screenshot: (name: string) => Promise<string>, diagnostics: () => string, close: () => Promise<void> }>}
 */
export async function openSession({ vsix, settings = {} }) {
  // Typing in the editor saves to disk: the tests work on a copy, never on the checkout's sample workspace.
  const workspace = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'dsl-e2e-ws-'));
  fs.cpSync(path.join(harnessDir, 'sample-workspace'), workspace, { recursive: true });
  const vscode = await startCodeServer({ vsix, settings });   // fresh user-data-dir inside vscode.tmp
  const { context, page } = await launchBrowser(path.join(vscode.tmp, 'chrome'));
  const consoleLines = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleLines.push(`[browser ${m.type()}] ${m.text()}`); });
  fs.mkdirSync(screenshotDir, { recursive: true });

  return {
    page,
    workspace,
    file: (name) => path.join(workspace, name),
    async screenshot(name) {
      const shot = path.join(screenshotDir, `${name}.png`);
      await page.screenshot({ path: shot });
      return shot;
    },
    /** The last lines of code-server's log, the extension's own log, and browser errors. */
    diagnostics() {
      const parts = [`--- code-server (last 40 lines) ---\n${tail(vscode.log.join(''), 40)}`];
      for (const f of findFiles(path.join(vscode.tmp, 'ud/logs'), /DeepSeek|deepseek|exthost\.log$/i)) {
        parts.push(`--- ${path.relative(vscode.tmp, f)} (last 30 lines) ---\n${tail(fs.readFileSync(f, 'utf8'), 30)}`);
      }
      if (consoleLines.length) parts.push(`--- browser errors (last 10) ---\n${consoleLines.slice(-10).join('\n')}`);
      return parts.join('\n');
    },
    url: vscode.url(workspace),
    async close() {
      await context.close().catch(() => {});
      await vscode.stop();
      fs.rmSync(workspace, { recursive: true, force: true });
    },
  };
}
