// The bundled webview in a real Chromium under the production CSP: it must load, run and render with no
// CSP violation (jsdom cannot check that). Skipped where no Chromium is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { chatHtml, makeNonce } from '../extension/chat/html';
import type { Conversation } from '../extension/chat/conversation';
import type { HostToWebview } from '../extension/chat/messages';

function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  try {
    candidates.push(chromium.executablePath());
  } catch {
    // playwright-core without a downloaded browser
  }
  return candidates.find((p) => p && fs.existsSync(p));
}

const executablePath = findChromium();

/** Serves the page and the freshly bundled dist/webview.{js,css}; acquireVsCodeApi records posts. */
async function servePage(): Promise<{ url: string; close(): void }> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'webview-test-'));
  await esbuild.build({
    bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', logLevel: 'silent',
    absWorkingDir: path.resolve(__dirname, '..'), entryPoints: { webview: 'media/webview.ts' }, outdir, loader: { '.css': 'css' },
  });
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const nonce = makeNonce();
  const html = chatHtml({ cspSource: origin, nonce, scriptUri: `${origin}/webview.js`, styleUri: `${origin}/webview.css` })
    .replace('<script nonce', `<script nonce="${nonce}">window.posted=[];window.acquireVsCodeApi=()=>({postMessage:(m)=>posted.push(m),getState:()=>undefined,setState:()=>{}});</script>\n<script nonce`);
  server.on('request', (req, res) => {
    const file = { '/webview.js': 'webview.js', '/webview.css': 'webview.css' }[req.url ?? ''];
    if (req.url === '/') res.setHeader('content-type', 'text/html').end(html);
    else if (file) res.setHeader('content-type', file.endsWith('.css') ? 'text/css' : 'text/javascript').end(fs.readFileSync(path.join(outdir, file)));
    else res.writeHead(404).end();
  });
  return { url: `${origin}/`, close: () => { server.close(); fs.rmSync(outdir, { recursive: true, force: true }); } };
}

test('the bundled webview runs under its CSP and renders a streamed answer inertly', { skip: !executablePath && 'no Chromium found', timeout: 60_000 }, async () => {
  const page$ = await servePage();
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' && !/favicon/.test(m.location().url)) problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.exposeFunction('reportViolation', (v: string) => problems.push(`CSP: ${v}`));
    await page.addInitScript(() => document.addEventListener('securitypolicyviolation',
      (e) => (window as unknown as { reportViolation(v: string): void }).reportViolation(`${e.violatedDirective} ${e.blockedURI}`)));
    await page.goto(page$.url);
    await page.waitForFunction(() => (window as unknown as { posted: unknown[] }).posted.length > 0);
    const post = (m: HostToWebview) => page.evaluate((msg) => window.postMessage(msg, '*'), m);
    const conversation: Conversation = { id: 'c', title: 't', createdAt: 0, updatedAt: 0, messages: [
      { id: 'u', role: 'user', content: 'hello', state: 'done' }, { id: 'a', role: 'assistant', content: '', state: 'streaming' }] };
    await post({ type: 'snapshot', conversation, busy: true, context: [{ id: 'f', kind: 'file', label: 'app.ts' }], history: [] });
    for (const text of ['Hi <img src="https://evil.example/x.png" onerror="window.pwned=1">\n\n```ts\nconst a', ' = 1;\n```\n![p](https://evil.example/p.png)']) {
      await post({ type: 'event', conversationId: 'c', event: { kind: 'delta', id: 'a', text } });
    }
    await post({ type: 'event', conversationId: 'c', event: { kind: 'finish', id: 'a', state: 'done', at: 1 } });
    await page.waitForSelector('[data-testid="message"][data-role="assistant"][data-state="done"]');
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
    assert.equal(await page.locator('[data-testid="code-block"] .hljs-keyword').first().textContent(), 'const');
    assert.equal(await page.isVisible('[data-testid="chat-stop"]'), true);
    // The stylesheet applied (it would be blocked by a wrong style-src).
    assert.equal(await page.locator('[data-testid="chat-send"]').evaluate((e) => getComputedStyle(e).cursor), 'pointer');
    await page.fill('[data-testid="chat-input"]', 'typed');
    await page.click('[data-testid="code-apply"]');
    const posted = await page.evaluate(() => (window as unknown as { posted: unknown[] }).posted);
    assert.deepEqual(posted, [{ type: 'ready' }, { type: 'applyCode', code: 'const a = 1;', languageId: 'typescript' }]);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    page$.close();
  }
});
