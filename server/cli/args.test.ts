import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandArgs, parseNumberOption, parseThreads, parseTokenIds } from './args';

/** Runs `fn` with process.stdout/stderr writes captured. */
function captured<T>(fn: () => T): { result: T; out: string; err: string } {
  let out = '';
  let err = '';
  const { stdout, stderr } = process;
  const w1 = stdout.write, w2 = stderr.write;
  stdout.write = ((s: string) => { out += s; return true; }) as typeof stdout.write;
  stderr.write = ((s: string) => { err += s; return true; }) as typeof stderr.write;
  try {
    return { result: fn(), out, err };
  } finally {
    stdout.write = w1;
    stderr.write = w2;
  }
}

const options = { model: { type: 'string' }, quiet: { type: 'boolean' } } as const;

test('parseCommandArgs: values, --help/-h prints the usage (0), bad options print error and usage (2)', () => {
  // parseArgs' values have a null prototype: compare plain copies
  const plain = (r: ReturnType<typeof parseCommandArgs<typeof options>>) => (typeof r === 'number' ? r : { values: { ...r.values }, positionals: r.positionals });
  assert.deepEqual(plain(captured(() => parseCommandArgs('x', 'USAGE', ['--model', 'm', '--quiet'], options)).result),
    { values: { model: 'm', quiet: true }, positionals: [] });
  for (const flag of ['--help', '-h']) {
    const help = captured(() => parseCommandArgs('x', 'USAGE', [flag], options));
    assert.equal(help.result, 0);
    assert.equal(help.out, 'USAGE\n');
  }
  const bad = captured(() => parseCommandArgs('x', 'USAGE', ['--nope'], options));
  assert.equal(bad.result, 2);
  assert.match(bad.err, /^deepseek-local x: .*--nope[^]*USAGE\n$/);
  assert.equal(captured(() => parseCommandArgs('x', 'USAGE', ['file'], options)).result, 2);
  assert.deepEqual(plain(captured(() => parseCommandArgs('x', 'USAGE', ['a', '--quiet', 'b'], options, true)).result),
    { values: { quiet: true }, positionals: ['a', 'b'] });
});

test('parseThreads: positive integers only', () => {
  assert.equal(parseThreads(undefined), undefined);
  assert.equal(parseThreads('4'), 4);
  for (const bad of ['0', '-1', '1.5', 'x']) assert.throws(() => parseThreads(bad), /--threads must be a positive integer/);
});

test('parseTokenIds takes commas and spaces, and names the flag and the bad entry', () => {
  assert.deepEqual(parseTokenIds('1, 2  3,4'), [1, 2, 3, 4]);
  assert.throws(() => parseTokenIds('1,x', '--decode'), /--decode: "x" is not a token id/);
  assert.throws(() => parseTokenIds('-1'), /--tokens: "-1"/);
  assert.throws(() => parseTokenIds(' , '), /--tokens: expected token ids/);
});

test('parseNumberOption: absent is undefined, else a number passing the check', () => {
  const top = (t?: string) => parseNumberOption(t, '--top-p', (n) => n > 0 && n <= 1, 'in (0, 1]');
  assert.equal(top(undefined), undefined);
  assert.equal(top('0.5'), 0.5);
  for (const bad of ['', ' ', '0', '1.5', 'x', 'NaN']) assert.throws(() => top(bad), /--top-p must be in \(0, 1\]/);
});
