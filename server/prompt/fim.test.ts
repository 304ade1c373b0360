import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestSnippet, buildFimContext, commentSnippet, cutPrefix, cutSuffix, lineCommentFor, renderFimPrompt } from './fim';

// One token per character: budgets become easy to reason about.
const chars = (s: string) => s.length;

test('renderFimPrompt puts prefix before the hole and suffix after it', () => {
  assert.equal(renderFimPrompt('a(', ')'), '<｜fim▁begin｜>a(<｜fim▁hole｜>)<｜fim▁end｜>');
});

test('cutPrefix keeps whole lines from the end within the budget', () => {
  const prefix = 'line1\nline2\nline3\n  cur';
  assert.equal(cutPrefix(prefix, 100, chars), prefix);
  // "  cur" (5) + "line3\n" (6) = 11 fits 12; adding "line2\n" would need 17
  assert.equal(cutPrefix(prefix, 12, chars, 1), 'line3\n  cur');
  // the cursor line is kept even when it alone is over budget
  assert.equal(cutPrefix(prefix, 1, chars, 1), '  cur');
});

test('cutPrefix snaps the window start so it stays put while typing', () => {
  const doc = (n: number, cur: string) => Array.from({ length: n }, (_, i) => `l${String(i).padStart(3, '0')}`).join('\n') + '\n' + cur;
  // each line costs 5; budget 100 keeps ~19 lines; starts are multiples of 8
  const starts = [40, 41, 42, 43, 44, 45, 46, 47, 48].map((n) => cutPrefix(doc(n, 'x = '), 100, chars, 8).split('\n')[0]);
  assert.ok(starts.every((l) => Number(l.slice(1)) % 8 === 0), starts.join(' '));
  assert.ok(new Set(starts).size <= 2, 'one move at most over eight new lines');
  assert.equal(cutPrefix(doc(40, 'x = '), 100, chars, 8), cutPrefix(doc(40, 'x = fo'), 100, chars, 8).replace('x = fo', 'x = '));
  for (const n of [40, 47]) assert.ok(chars(cutPrefix(doc(n, 'x'), 100, chars, 8)) <= 100);
});

test('cutSuffix keeps whole lines from the start within the budget', () => {
  const suffix = ')\nnext1\nnext2';
  assert.equal(cutSuffix(suffix, 100, chars), suffix);
  assert.equal(cutSuffix(suffix, 8, chars), ')\nnext1');
  assert.equal(cutSuffix(suffix, 0, chars), ')');
});

test('lineCommentFor picks the language comment marker', () => {
  assert.equal(lineCommentFor('python'), '#');
  assert.equal(lineCommentFor('typescript'), '//');
  assert.equal(lineCommentFor('sql'), '--');
});

test('commentSnippet writes the path header and comments every line', () => {
  assert.equal(commentSnippet('src/a.py', 'def f():\n\n    return 1\n', 'python'), '# Path: src/a.py\n# def f():\n#\n#     return 1\n');
});

test('bestSnippet picks the window sharing the most identifiers with the query', () => {
  const other = ['alpha beta', 'gamma delta', 'computeTotal(items)', 'sumPrices(items, taxRate)', 'zeta eta'].join('\n');
  const best = bestSnippet(other, 'const t = computeTotal(cart.items, taxRate)', 2);
  assert.ok(best);
  assert.match(best.text, /computeTotal/);
  assert.equal(bestSnippet('nothing here', 'completely unrelated words', 2), undefined);
});

test('buildFimContext adds same-language snippets within the budget and cuts on lines', () => {
  const others = [
    { path: 'lib/util.ts', languageId: 'typescript', text: 'export function computeTotal(items) {\n  return 1;\n}' },
    { path: 'lib/util.py', languageId: 'python', text: 'def computeTotal(items):\n  return 1' },
  ];
  const prefix = 'x\n'.repeat(500) + 'const total = computeTotal(';
  const { prefix: p, suffix: s } = buildFimContext({ prefix, suffix: ');\nrest\n'.repeat(100), languageId: 'typescript', others, budget: 600, count: chars });
  assert.ok(p.startsWith('// Path: lib/util.ts\n// export function computeTotal(items) {'), p.slice(0, 80));
  assert.ok(!p.includes('util.py'));
  assert.ok(p.endsWith('x\nconst total = computeTotal('));
  assert.ok(s.startsWith(');\nrest'));
  assert.ok(p.length + s.length <= 600, `${p.length + s.length}`);
});
