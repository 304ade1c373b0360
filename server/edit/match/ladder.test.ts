// Each rung of the matching ladder, in isolation and as the ladder picks them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LADDER, elision, exact, fuzzy, indentation, placeQuote, trailingWhitespace, FUZZY_LIMITS } from './ladder';

const file = [
  'function area(r) {',
  '  const pi = 3.14159;',
  '  return pi * r * r;',
  '}',
  '',
  'function perimeter(r) {',
  '  return 2 * 3.14159 * r;',
  '}',
];

test('the ladder is ordered from strictest to loosest', () => {
  assert.deepEqual(LADDER.map((s) => s.name), ['exact', 'trailing-whitespace', 'indentation', 'elision', 'fuzzy']);
});

test('exact: places a verbatim quote and nothing else matches a changed quote', () => {
  const out = exact.place(file, { search: ['  return pi * r * r;'], replace: ['  return Math.PI * r * r;'] });
  assert.deepEqual(out, { kind: 'placed', placement: { start: 2, end: 3, lines: ['  return Math.PI * r * r;'] } });
  assert.equal(exact.place(file, { search: ['  return pi * r * r; '], replace: [] }), null);
});

test('trailing-whitespace: tolerates spaces the model added or lost, keeps the file\'s own lines', () => {
  const f = ['a = 1  ', 'b = 2', 'c = 3'];
  const out = trailingWhitespace.place(f, { search: ['a = 1', 'b = 2 '], replace: ['a = 1', 'b = 20'] });
  assert.deepEqual(out, { kind: 'placed', placement: { start: 0, end: 2, lines: ['a = 1  ', 'b = 20'] } });
});

test('indentation: matches dedented quotes and re-indents the replacement to the file', () => {
  const out = indentation.place(file, { search: ['const pi = 3.14159;', 'return pi * r * r;'], replace: ['const pi = Math.PI;', 'if (r < 0) {', '  throw new Error("r");', '}', 'return pi * r * r;'] });
  assert.ok(out && out.kind === 'placed');
  assert.deepEqual(out.placement.lines, ['  const pi = Math.PI;', '  if (r < 0) {', '    throw new Error("r");', '  }', '  return pi * r * r;']);
});

test('indentation: spaces quoted for a tab-indented file come back as tabs', () => {
  const f = ['func f() {', '\tif x {', '\t\treturn 1', '\t}', '}'];
  const out = indentation.place(f, { search: ['    if x {', '        return 1', '    }'], replace: ['    if x {', '        log()', '        return 1', '    }'] });
  assert.ok(out && out.kind === 'placed');
  assert.deepEqual(out.placement.lines, ['\tif x {', '\t\tlog()', '\t\treturn 1', '\t}']);
});

test('elision: quoted pieces separated by "..." match in order and the elided lines survive', () => {
  const out = elision.place(file, {
    search: ['function area(r) {', '  // ...', '}'],
    replace: ['function area(r: number): number {', '  // ...', '}'],
  });
  assert.ok(out && out.kind === 'placed');
  assert.deepEqual(out.placement, { start: 0, end: 4, lines: ['function area(r: number): number {', '  const pi = 3.14159;', '  return pi * r * r;', '}'] });
});

test('elision: a marker only in the replacement keeps the quoted lines it stands for', () => {
  const r = placeQuote(file, { search: file.slice(0, 4), replace: ['function area(r) {', '  // ... existing code ...', '}', '// area in m²'] });
  assert.ok(r.ok);
  assert.equal(r.strategy, 'exact');
  assert.deepEqual(r.placement.lines, [...file.slice(0, 4), '// area in m²']);
});

test('elision: a marker directly next to new lines is refused, not guessed', () => {
  const r = placeQuote(file, { search: file.slice(0, 4), replace: ['function area(r) {', '  // ... existing code ...', '  return 0;', '}'] });
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /ambiguous/);
});

test('fuzzy: a slightly misquoted block is placed and the file\'s real lines are kept', () => {
  const out = fuzzy.place(file, { search: ['function perimeter(radius) {', '  return 2 * 3.14159 * r;', '}'], replace: ['function perimeter(radius) {', '  return 2 * Math.PI * r;', '}'] });
  assert.ok(out && out.kind === 'placed');
  assert.deepEqual(out.placement, { start: 5, end: 8, lines: ['function perimeter(r) {', '  return 2 * Math.PI * r;', '}'] });
});

test('fuzzy: below the similarity threshold nothing is placed, and the closest text is reported', () => {
  const r = placeQuote(file, { search: ['class Circle {', '  constructor() {}'], replace: [] });
  assert.equal(r.ok, false);
  assert.ok(!r.ok && typeof r.closest === 'string');
});

test('fuzzy: two equally good candidates are refused as ambiguous', () => {
  const f = ['if (a) {', '  x = 1;', '}', 'y();', 'if (a) {', '  x = 1;', '}'];
  const r = placeQuote(f, { search: ['if (a)  {', '  x = 1 ;', '}'], replace: ['if (a) {', '  x = 2;', '}'] });
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /several places equally well \(fuzzy\)/);
});

test('exact duplicates: refused without a line hint, resolved by the nearest hint', () => {
  const f = ['a', 'x', 'b', 'x', 'c'];
  const q = { search: ['x'], replace: ['y'] };
  const r = placeQuote(f, q);
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /2 places \(lines 2, 4\)/);
  const hinted = placeQuote(f, { ...q, hint: 3 });
  assert.ok(hinted.ok && hinted.placement.start === 3);
});

test('fuzzy is skipped (guard) for quotes too large to compare cheaply', () => {
  const big = Array.from({ length: 2000 }, (_, i) => `line ${i} of a long file`);
  const quoted = Array.from({ length: 300 }, (_, i) => `line ${i} of a lonk file`);
  assert.ok(quoted.length * big.length > FUZZY_LIMITS.maxCells);
  const t0 = Date.now();
  assert.equal(fuzzy.place(big, { search: quoted, replace: [] }), null);
  assert.ok(Date.now() - t0 < 200);
});
