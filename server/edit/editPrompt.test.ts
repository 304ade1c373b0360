// Prompts: each format's instructions and example parse back with our own parser; small files are asked whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseFormat, editPrompt, applyModelAnswer } from './index';
import type { ConcreteFormat } from './types';
import { searchReplaceExample } from './prompts/searchReplace';
import { udiffExample } from './prompts/udiff';
import { wholeExample } from './prompts/whole';
import { parseAnswer } from './answer/parse';

test('the few-shot examples are themselves valid answers in their format', () => {
  const examples: Array<[ConcreteFormat, string]> = [['search-replace', searchReplaceExample], ['udiff', udiffExample], ['whole', wholeExample]];
  for (const [format, example] of examples) {
    const parsed = parseAnswer(example, 'auto');
    assert.equal(parsed.format, format);
    assert.ok(parsed.ops.length > 0);
  }
  // The search/replace example applies to the file it describes.
  const file = { path: '/w/src/greet.ts', text: 'export function greet(name: string): string {\n  return `Hello, ${name}!`;\n}\n' };
  const r = applyModelAnswer(searchReplaceExample, [file], { format: 'auto', root: '/w' });
  assert.ok(r.ok, r.ok ? '' : r.error);
});

test('editPrompt carries the instructions, the file (fence longer than its backticks), the selection and the task', () => {
  const file = { path: '/w/doc.ts', text: '/** ```js\nx()\n``` */\nexport const a = 1;\nexport const b = 2;\n' };
  const p = editPrompt('search-replace', file, 'rename b to c', { startLine: 5, endLine: 5 });
  assert.match(p, /<<<<<<< SEARCH/);
  assert.match(p, /Current content of \/w\/doc\.ts:\n````ts\n\/\*\* ```js/);
  assert.match(p, /lines 5-5 \(1-based\), which read:\n````ts\nexport const b = 2;\n````/);
  assert.ok(p.trimEnd().endsWith('Task: rename b to c'));
  assert.match(editPrompt('udiff', file, 'x'), /@@ -start,count \+start,count @@/);
  assert.match(editPrompt('whole', file, 'x'), /complete new content/);
});

test('chooseFormat: whole for small files, search/replace for large ones', () => {
  assert.equal(chooseFormat('x = 1\n'.repeat(50)), 'whole');
  assert.equal(chooseFormat('x = 1\n'.repeat(500)), 'search-replace');
  assert.equal(chooseFormat('x'.repeat(20_000)), 'search-replace');
});
