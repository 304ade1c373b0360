// Expanding "..." markers in a replacement: elided lines are kept, and every unclear reading is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeOnto, MergeError } from './merge';
import { isElisionLine } from './elision';

const file = [
  'import os',
  '',
  'def a():',
  '    return 1',
  '',
  'def b():',
  '    x = 2',
  '    return x',
  '',
  'def c():',
  '    return 3',
];
const whole = (replacement: string[]) => mergeOnto(file, file, replacement);

test('markers the models write are recognised; code and prose are not', () => {
  for (const l of ['...', '    // ... existing code ...', '# ... rest of the file unchanged', '/* ... */', '    # ...', '// rest of the code unchanged', '…']) assert.ok(isElisionLine(l), l);
  for (const l of ['x = [1, ...rest]', '// TODO: handle the rest', 'return ...args;', '', 'print("...")']) assert.ok(!isElisionLine(l), l);
});

test('a marker between anchors keeps exactly the lines it stands for', () => {
  const out = whole(['import os', '# ... existing code ...', 'def b():', '    x = 20', '    return x', '# ... existing code ...']);
  assert.deepEqual(out, [...file.slice(0, 6), '    x = 20', ...file.slice(7)]);
});

test('a rewritten body between anchors is replaced, not kept alongside the new one', () => {
  const out = whole(['import os', '# ...', 'def b():', '    return 42', '', 'def c():', '# ...']);
  assert.deepEqual(out, [...file.slice(0, 6), '    return 42', ...file.slice(8)]);
});

test('a marker directly next to new lines is refused', () => {
  assert.throws(() => whole(['import os', '# ...', '    return 42', 'def c():', '    return 3']), (e: unknown) => e instanceof MergeError && /directly next to changed lines/.test(e.message));
});

test('an anchor that recurs within reach of the change is refused rather than guessed', () => {
  const f = ['a() {', 'x', '}', 'y', '}', 'b() {', '}'];
  // Does "z" replace just "x" (keeping "} y }"), or "x } y" up to the second "}"? The answer cannot say.
  assert.throws(() => mergeOnto(f, f, ['a() {', 'z', '}', '// ...']), (e: unknown) => e instanceof MergeError && /recur/.test(e.message));
  // With a distinctive anchor the same edit is placed.
  const g = ['a() {', 'x', '} // end a', 'y', '}', 'b() {', '}'];
  assert.deepEqual(mergeOnto(g, g, ['a() {', 'z', '} // end a', '// ...']), ['a() {', 'z', '} // end a', 'y', '}', 'b() {', '}']);
});

test('an answer without markers is unaffected', () => {
  assert.deepEqual(whole(['import sys']), ['import sys']);
});
