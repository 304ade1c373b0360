// Extension-host integration tests: mocha runs INSIDE a real VS Code extension host (code-server), with the
// extension loaded from this checkout as a development extension — the way @vscode/test-electron runs them,
// through the web workbench's `payload` parameter and its codeAutomationExit hook.
// Exit code = the extension host's test result.
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, startCodeServer } from './code-server.mjs';
import { ensureDemoModel } from './demo-model.mjs';
import { harnessDir, repoRoot } from './ensure.mjs';

const timeoutMs = Number(process.env.DSL_VSCODE_TIMEOUT_MS ?? 300_000);
const suite = path.join(repoRoot, 'dist/test/suite.js');
if (!fs.existsSync(suite)) { console.error(`${suite} is missing: run \`npm run build\` first`); process.exit(1); }

const demoModel = ensureDemoModel();
const workspace = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'dsl-ws-'));
fs.cpSync(path.join(harnessDir, 'sample-workspace'), workspace, { recursive: true });

const vscode = await startCodeServer({
  env: { DEEPSEEK_LOCAL_DEMO_MODEL: demoModel, DEEPSEEK_LOCAL_TEST_WORKSPACE: workspace },
  settings: { 'deepseekLocal.modelDir': demoModel, 'deepseekLocal.threads': 1 },
});
const { context, page } = await launchBrowser(path.join(vscode.tmp, 'chrome'));
let code = 1;
try {
  const exit = new Promise((resolve) => {
    page.exposeFunction('codeAutomationLog', (type, args) => console[type in console ? type : 'log'](...args));
    page.exposeFunction('codeAutomationExit', (c) => resolve(c));
  });
  const remote = (p) => `vscode-remote://${vscode.authority}${p}`;
  await page.goto(vscode.url(workspace, [
    ['extensionDevelopmentPath', remote(repoRoot)],
    ['extensionTestsPath', remote(suite)],
    ['skipWelcome', 'true'],
  ]));
  const timer = new Promise((_, reject) => setTimeout(() => reject(new Error(`no result after ${timeoutMs} ms`)), timeoutMs));
  code = await Promise.race([exit, timer]);
  console.log(`[vscode-harness] extension host tests exited with code ${code}`);
} catch (err) {
  console.error('[vscode-harness]', err.message);
  console.error(vscode.log.join('').slice(-4000));
} finally {
  await context.close().catch(() => {});
  await vscode.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
}
process.exit(code);
