import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkCompletion, completionMode, cutAtDedent, cutAtFirstLine, cutAtSuffixRepeat, finalizeCompletion,
  indentWidth, trimLineSuffixOverlap, trimTrailingBlank,
} from './completion-post';

test('completionMode: multi at an empty line or after a block opener, single mid-line', () => {
  assert.equal(completionMode('    ', ''), 'multi');
  assert.equal(completionMode('function f() {', ''), 'multi');
  assert.equal(completionMode('def f(x):', ''), 'multi');
  assert.equal(completionMode('const x = foo', ''), 'single');
  assert.equal(completionMode('foo(', ')'), 'multi');
  assert.equal(completionMode('foo(a, ', 'b)'), 'single');
});

test('indentWidth counts tabs as four columns', () => {
  assert.equal(indentWidth('\t  '), 6);
});

test('cutAtFirstLine stops at the first line break', () => {
  assert.deepEqual(cutAtFirstLine('abc'), { text: 'abc', stopped: false });
  assert.deepEqual(cutAtFirstLine('abc\ndef'), { text: 'abc', stopped: true });
});

test('cutAtDedent at an empty line stops at a line indented less than the cursor line', () => {
  const text = 'a = 1\n  b = 2\nc = 3\n';
  assert.deepEqual(cutAtDedent(text, '  '), { text: 'a = 1\n  b = 2', stopped: true });
  assert.deepEqual(cutAtDedent('a = 1\n  ', '  '), { text: 'a = 1\n  ', stopped: false });
});

test('cutAtDedent after a block opener keeps the closing line and stops after it', () => {
  const text = '\n  return 1;\n}\nfunction g() {}\n';
  assert.deepEqual(cutAtDedent(text, 'function f() {'), { text: '\n  return 1;\n}', stopped: true });
  // a closer still being written is not cut yet
  assert.deepEqual(cutAtDedent('\n  return 1;\n}', 'function f() {'), { text: '\n  return 1;\n}', stopped: false });
  // a statement at the opener's indent is outside the block
  assert.deepEqual(cutAtDedent('\n  x();\nfoo();\n', 'if (a) {'), { text: '\n  x();', stopped: true });
});

test('cutAtSuffixRepeat stops where the text after the cursor would be repeated', () => {
  const following = '\n  return total;\n}\n';
  assert.deepEqual(cutAtSuffixRepeat('total += 1;\n  return total;\n', following), { text: 'total += 1;', stopped: true });
  assert.deepEqual(cutAtSuffixRepeat('total += 1;\n  log(total);\n', following), { text: 'total += 1;\n  log(total);\n', stopped: false });
  // the first non-blank line counts, past whitespace-only lines and CRLF endings; all-blank text never stops
  assert.deepEqual(cutAtSuffixRepeat('total += 1;\n  return total;\n', ' \r\n\t\n  return total; \r\n}\r\n'), { text: 'total += 1;', stopped: true });
  assert.deepEqual(cutAtSuffixRepeat('x;\n\n', ' \n\n'), { text: 'x;\n\n', stopped: false });
});

test('trimLineSuffixOverlap drops closers that already follow the cursor, only when unbalanced', () => {
  assert.equal(trimLineSuffixOverlap('a, b)', ')'), 'a, b');
  assert.equal(trimLineSuffixOverlap('a, b);', ');'), 'a, b');
  assert.equal(trimLineSuffixOverlap('f(x)', ')'), 'f(x)');
  assert.equal(trimLineSuffixOverlap('value', ''), 'value');
});

test('trimTrailingBlank removes trailing whitespace and blank lines', () => {
  assert.equal(trimTrailingBlank('x = 1\n\n  \n'), 'x = 1');
});

test('checkCompletion and finalizeCompletion combine the rules by mode', () => {
  const single = { mode: 'single' as const, linePrefix: 'const x = foo(', lineSuffix: ')', followingText: '' };
  assert.deepEqual(checkCompletion('1, 2)\nnext', single), { text: '1, 2)', stopped: true });
  assert.equal(finalizeCompletion('1, 2)\nnext', single), '1, 2');
  const multi = { mode: 'multi' as const, linePrefix: '  ', lineSuffix: '', followingText: '  return s;\n}\n' };
  assert.equal(finalizeCompletion('s += 1;\n  s *= 2;\n  return s;\n}\n', multi), 's += 1;\n  s *= 2;');
});
