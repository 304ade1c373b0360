// The block grammar byte by byte, without a tokenizer: which answers it accepts, refuses, and how far the end is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockGrammar, DIVIDER, HEAD, TAIL } from './blockGrammar';
import { ConstraintError, FileSpans, replaceLines } from './fileSpans';

const FILE = [
  'def add(a, b):', //    1
  '    return a + b', //  2
  '', //                  3
  '', //                  4
  'def sub(a, b):', //    5
  '    return a - b', //  6
  '', //                  7
  'def mul(a, b):', //    8
  '    return a * b', //  9
  '}', //                 10
  '}', //                 11
].join('\n') + '\n';

/** Runs text through the grammar; the state set after it (empty: refused somewhere). */
function feed(g: BlockGrammar, text: string): number[] {
  let states = [g.start];
  let searched = -1;
  for (const b of new TextEncoder().encode(text)) {
    const out: number[] = [];
    for (const s of states) g.step(s, b, searched, out);
    searched = searched >= 0 ? searched + 1 : states.includes(g.headLast) && b === 0x0a ? 0 : -1;
    states = out;
    if (!states.length) return [];
  }
  return states;
}

const block = (search: string, replace: string) => `${HEAD}${search}${DIVIDER}${replace}${TAIL}`;
const complete = (g: BlockGrammar, text: string) => feed(g, text).includes(g.end);

test('a block quoting a unique run of whole lines is complete; one quoting text not in the file is refused', () => {
  const g = new BlockGrammar(new FileSpans(FILE, 'calc.py'), 50);
  assert.ok(complete(g, block('def sub(a, b):\n', 'def sub(x, y):\n')));
  assert.ok(complete(g, block('    return a - b\n\ndef mul(a, b):\n', '')), 'several lines, empty replacement');
  assert.deepEqual(feed(g, HEAD + 'def div('), [], 'not in the file');
  assert.deepEqual(feed(g, HEAD + '(a, b):\n'), [], 'SEARCH starts at a line start');
  assert.deepEqual(feed(g, '<<<<<< SEARCH\n'), [], 'the head is literal');
});

test('SEARCH may only end where the quoted run is unique in the file and has a non-blank line', () => {
  const g = new BlockGrammar(new FileSpans(FILE, 'calc.py'), 50);
  assert.deepEqual(feed(g, HEAD + '}\n' + DIVIDER), [], '"}" occurs twice');
  assert.ok(complete(g, block('}\n}\n', '')), 'the two lines together are unique');
  assert.deepEqual(feed(g, HEAD + '\n' + DIVIDER), [], 'a blank line alone');
  assert.ok(complete(g, block('\n\ndef sub(a, b):\n', '')), 'blank lines before a unique one');
});

test('with a region, SEARCH stays inside its lines', () => {
  const g = new BlockGrammar(new FileSpans(FILE, 'calc.py', { startLine: 5, endLine: 6 }), 50);
  assert.ok(complete(g, block('def sub(a, b):\n    return a - b\n', 'pass\n')));
  assert.deepEqual(feed(g, HEAD + 'def add'), [], 'line 1 is outside');
  assert.deepEqual(feed(g, HEAD + '    return a - b\n\n'), [], 'line 7 is outside');
  // uniqueness is still judged on the whole file
  const tail = new BlockGrammar(new FileSpans(FILE, 'calc.py', { startLine: 10, endLine: 11 }), 50);
  assert.ok(complete(tail, block('}\n}\n', '')));
  assert.throws(() => new FileSpans(FILE, 'calc.py', { startLine: 11, endLine: 11 }), (e: unknown) => e instanceof ConstraintError && /lines 11-11 of calc\.py/.test(e.message));
});

test('REPLACE lines that the parser would read as markers, and lone CRs, are refused', () => {
  const g = new BlockGrammar(new FileSpans(FILE, 'calc.py'), 50);
  const start = HEAD + 'def sub(a, b):\n' + DIVIDER;
  for (const bad of ['<<<<<<< SEARCH', '  =====', '\t>>>>>', '\u00a0<<<<<', '\u3000=====', 'a\rb']) {
    assert.deepEqual(feed(g, start + bad), [], JSON.stringify(bad));
  }
  for (const fine of ['a <<<<<<< b', '====', '// ======= x', '<<<<x', '\u00a1<<<<<']) {
    assert.ok(complete(g, start + fine + '\n' + TAIL), JSON.stringify(fine));
  }
});

test('REPLACE is bounded: after maxReplaceLines lines only the tail may follow', () => {
  const g = new BlockGrammar(new FileSpans(FILE, 'calc.py'), 2);
  const start = HEAD + 'def sub(a, b):\n' + DIVIDER;
  assert.ok(complete(g, start + 'a\nb\n' + TAIL));
  assert.deepEqual(feed(g, start + 'a\nb\nc'), []);
});

test('dist is the length of the shortest way to the end', () => {
  const spans = new FileSpans(FILE, 'calc.py');
  const g = new BlockGrammar(spans, 50);
  const shortest = block('}\n}\n', ''); // 4 bytes of SEARCH: no unique run is shorter
  assert.equal(spans.shortestSearch, 4);
  assert.equal(g.dist(g.start, -1), new TextEncoder().encode(shortest).length);
  // inside SEARCH: from "def s" the shortest way finishes that line, then divider and tail
  const states = feed(g, HEAD + 'def s');
  assert.equal(Math.min(...states.map((s) => g.dist(s, 5))), 'ub(a, b):\n'.length + DIVIDER.length + TAIL.length);
});

test('lines that cannot be quoted faithfully (markers, lone CR, lone surrogates) are never part of SEARCH', () => {
  const spans = new FileSpans('ok = 1\n=======\na\rb\nbad = "\uD800"\nemoji = "\uD83D\uDE00"\n', 'x.py');
  assert.deepEqual([0, 1, 2, 3, 4].map((i) => spans.quotable(i)), [true, false, false, false, true]);
  const g = new BlockGrammar(spans, 5);
  assert.ok(complete(g, block('emoji = "\u{1F600}"\n', '')));
  assert.equal(complete(g, block('ok = 1\n=======\n', '')), false, 'the marker line cannot be quoted');
});

test('CRLF files are quoted as LF lines; replaceLines gives the file after a block', () => {
  const spans = new FileSpans('a = 1\r\nb = 2\r\n', 'x.py');
  assert.deepEqual(spans.lines, ['a = 1', 'b = 2']);
  assert.ok(complete(new BlockGrammar(spans, 5), block('b = 2\n', 'b = 3\n')));
  assert.equal(replaceLines(spans, 1, 1, ['b = 3', 'c = 4']), 'a = 1\nb = 3\nc = 4\n');
});
