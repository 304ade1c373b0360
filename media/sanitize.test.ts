import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { createSanitizer } from './sanitize';
import { renderMarkdown } from './markdown';

const { window } = new JSDOM('<!DOCTYPE html><body></body>');
const sanitize = createSanitizer(window as unknown as Window);

/** Parses sanitized HTML into a DOM, the way the webview inserts it. */
function dom(html: string): HTMLElement {
  const div = window.document.createElement('div');
  div.innerHTML = sanitize(html);
  return div;
}

function assertInert(root: HTMLElement): void {
  assert.equal(root.querySelectorAll('script, img, iframe, object, embed, style, link, form, svg, math, video, audio').length, 0);
  for (const e of root.querySelectorAll('*')) {
    for (const a of e.getAttributeNames()) {
      assert.doesNotMatch(a, /^on|^(href|src|srcset|action|formaction|style|xlink:href)$/i, `<${e.tagName.toLowerCase()} ${a}>`);
    }
  }
}

test('DOMPurify strips scripts, handlers, remote resources and javascript: links even from raw HTML', () => {
  const root = dom(`<p>ok</p><script>alert(1)</script><img src="https://evil/x.png" onerror="alert(1)">
    <a href="javascript:alert(1)" onclick="x()">j</a><a href="https://example.com">plain</a>
    <iframe src="https://evil"></iframe><style>body{}</style><div style="background:url(https://evil)">s</div>
    <svg><use xlink:href="https://evil#x"/></svg><form action="https://evil"><button formaction="https://evil">b</button></form>
    <a data-href="javascript:alert(1)">bad data link</a><a data-href="https://ok.example/">good</a>`);
  assertInert(root);
  assert.equal(root.querySelector('p')?.textContent, 'ok');
  const links = [...root.querySelectorAll('a')];
  assert.deepEqual(links.map((a) => a.getAttribute('data-href')), [null, null, null, 'https://ok.example/']);
  assert.equal(root.querySelector('button')?.getAttribute('type'), 'button');
});

test('the full pipeline (markdown → sanitize) leaves model attacks inert and keeps code-block actions', () => {
  const answer = [
    'Sure! <script>alert(1)</script> <img src=x onerror=alert(1)>',
    '[click me](javascript:alert(document.cookie)) ![pixel](https://tracker.example/p.gif)',
    '',
    '```js',
    'console.log("<b>hi</b>")',
    '```',
  ].join('\n');
  const root = dom(renderMarkdown(answer));
  assertInert(root);
  assert.match(root.textContent ?? '', /<script>alert\(1\)<\/script>/); // shown as text
  const block = root.querySelector('[data-testid="code-block"]');
  assert.ok(block);
  assert.equal(block.querySelector('code')?.textContent, 'console.log("<b>hi</b>")\n');
  assert.ok(block.querySelector('code .hljs-string'), 'highlighting survives sanitizing');
  assert.deepEqual([...block.querySelectorAll('button')].map((b) => b.dataset.action), ['insert', 'copy', 'apply']);
  assert.equal(root.querySelector('a.image-link')?.getAttribute('data-href'), 'https://tracker.example/p.gif');
});
