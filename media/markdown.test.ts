import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown } from './markdown';
import { fenceLanguage, languageIdFor } from './languages';

test('raw HTML in model output is escaped, never emitted as tags', () => {
  const html = renderMarkdown('hi <script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n\n<a href="javascript:alert(1)">x</a>');
  assert.doesNotMatch(html, /<script|<img|<a href/i);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

test('links never carry href; only http(s)/mailto keep a data-href for the host', () => {
  const html = renderMarkdown('[a](javascript:alert(1)) [b](https://example.com/x) [c](command:workbench.action.quit) [d](vbscript:x) <https://auto.example> www.example.org');
  assert.doesNotMatch(html, /\shref=/);
  assert.doesNotMatch(html, /javascript:|command:|vbscript:/);
  assert.match(html, /data-href="https:\/\/example\.com\/x"/);
  assert.match(html, /data-href="https:\/\/auto\.example\/"/);
  assert.match(html, /data-href="http:\/\/www\.example\.org\/"/);
  assert.equal((html.match(/class="blocked-link"/g) ?? []).length, 3);
});

test('images are never loaded: remote ones become links, others are blocked', () => {
  const html = renderMarkdown('![tracker](https://evil.example/p.png) ![local](data:image/png;base64,AAAA) ![x](file:///etc/passwd)');
  assert.doesNotMatch(html, /<img|\ssrc=/i);
  assert.match(html, /data-href="https:\/\/evil\.example\/p\.png"[^>]*>\[image: tracker\]/);
  assert.equal((html.match(/class="blocked-image"/g) ?? []).length, 2);
});

test('code blocks are highlighted and carry Insert/Copy/Apply buttons', () => {
  const html = renderMarkdown('Text\n\n```typescript\nconst answer: number = 42;\n```\n\n    indented block\n');
  assert.equal((html.match(/data-testid="code-block"/g) ?? []).length, 2);
  for (const action of ['insert', 'copy', 'apply']) {
    assert.equal((html.match(new RegExp(`data-testid="code-${action}"`, 'g')) ?? []).length, 2, action);
  }
  assert.match(html, /<code class="hljs language-typescript"><span class="hljs-keyword">const<\/span>/);
  assert.match(html, /<span class="hljs-number">42<\/span>/);
  assert.match(html, /data-lang="typescript"/);
});

test('a hostile fence info string cannot break out of its attribute', () => {
  const html = renderMarkdown('```"><script>alert(1)</script>\nx\n```');
  assert.doesNotMatch(html, /<script/);
  assert.match(html, /data-lang="scriptalert1script"/);
});

test('a partial answer mid-stream (unclosed fence) still renders a code block', () => {
  const html = renderMarkdown('Here:\n\n```py\ndef f():\n    return 1');
  assert.match(html, /data-testid="code-block" data-lang="py"/);
  assert.match(html, /<span class="hljs-keyword">def<\/span>/);
});

test('fence names map to VS Code language ids', () => {
  assert.equal(languageIdFor('ts'), 'typescript');
  assert.equal(languageIdFor('Python {.line-numbers}'), 'python');
  assert.equal(languageIdFor('bash'), 'shellscript');
  assert.equal(languageIdFor('rust'), 'rust');
  assert.equal(languageIdFor(''), undefined);
  assert.equal(fenceLanguage('C++ title="x"'), 'c++');
});
