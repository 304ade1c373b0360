// `npm start`: the product, running. Builds the extension, makes the embedded demo model, packages the .vsix,
// installs it into a real VS Code (code-server) on 127.0.0.1 with a sample workspace, and keeps serving it.
//   npm start                 serve on http://127.0.0.1:8080 (PORT=... to change) until Ctrl-C
//   npm start -- --smoke      open it in headless chromium, wait until the extension reports ready, screenshot, exit
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, startCodeServer } from './code-server.mjs';
import { ensureDemoModel } from './demo-model.mjs';
import { harnessDir, repoRoot } from './ensure.mjs';

const smoke = process.argv.includes('--smoke');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: repoRoot, stdio: 'inherit' });

run(process.execPath, ['esbuild.mjs', '--production']);
const demoModel = ensureDemoModel();
const vsix = path.join(repoRoot, 'dist/deepseek-local.vsix');
run(path.join(repoRoot, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--skip-license', '--out', vsix]);

const workspace = path.join(repoRoot, '.cache/sample-workspace');
if (!fs.existsSync(workspace)) fs.cpSync(path.join(harnessDir, 'sample-workspace'), workspace, { recursive: true });

const vscode = await startCodeServer({
  port: smoke ? undefined : Number(process.env.PORT ?? 8080),
  vsix,
  settings: { 'deepseekLocal.modelDir': demoModel },
});
const url = vscode.url(workspace);
console.log(`\nDeepSeek Local is running in VS Code at ${url}\n(model: ${demoModel}; Ctrl-C to stop)\n`);

const stop = async () => { await vscode.stop(); process.exit(0); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

if (smoke) {
  const { context, page } = await launchBrowser(path.join(vscode.tmp, 'chrome'));
  let ok = false;
  try {
    await page.goto(url);
    await page.waitForSelector('.statusbar-item:has-text("DeepSeek")', { timeout: 120_000 });
    await page.waitForSelector('.statusbar-item:has-text("ready")', { timeout: 120_000 });
    const shot = path.join(repoRoot, '.cache/screenshots/start-smoke.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
    console.log(`smoke: extension ready; screenshot ${shot}`);
    ok = true;
  } finally {
    await context.close().catch(() => {});
    await vscode.stop();
  }
  process.exit(ok ? 0 : 1);
}
