import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatHtml, contentSecurityPolicy, makeNonce } from './html';
import { openableUrl } from './links';

test('the page carries a strict nonce-based CSP and the nonce on its only script', () => {
  const nonce = makeNonce();
  assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
  assert.notEqual(makeNonce(), nonce);
  const html = chatHtml({ cspSource: 'https://*.vscode-cdn.net', nonce, scriptUri: 'https://x/dist/webview.js', styleUri: 'https://x/dist/webview.css' });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
  assert.equal(csp, contentSecurityPolicy('https://*.vscode-cdn.net', nonce));
  assert.match(csp!, /^default-src 'none'; /);
  assert.match(csp!, new RegExp(`script-src 'nonce-${nonce.replace(/[+/]/g, '\\$&')}'`));
  assert.doesNotMatch(csp!, /unsafe-inline|unsafe-eval|\*;|https:;/);
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.deepEqual(scripts, [`<script nonce="${nonce}" src="https://x/dist/webview.js">`]);
  assert.doesNotMatch(html, /style="|<style|\son[a-z]+=/i);
});

test('the page has the stable test hooks the e2e tests use', () => {
  const html = chatHtml({ cspSource: 'x', nonce: 'n', scriptUri: 's', styleUri: 'c' });
  for (const id of ['chat-input', 'chat-send', 'chat-stop', 'chat-new', 'chat-history', 'message-list', 'context-chips']) {
    assert.match(html, new RegExp(`data-testid="${id}"`), id);
  }
});

test('only absolute http(s)/mailto links are openable', () => {
  assert.equal(openableUrl(' https://example.com/a b'), 'https://example.com/a%20b');
  assert.equal(openableUrl('mailto:x@y.z'), 'mailto:x@y.z');
  for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'command:workbench.action.quit', 'file:///etc/passwd',
    'vscode://x', 'data:text/html,x', '/relative', 'src/app.ts', '']) {
    assert.equal(openableUrl(bad), undefined, bad);
  }
});
