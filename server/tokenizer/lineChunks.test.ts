// Line-chunked encoding must give exactly the ids of encoding the whole text at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { deepseekV3TokenizerFiles } from './files';
import { createHfEncoder } from './hfEncoder';
import { lineChunkStarts, supportsLineChunks, withLineChunkCache } from './lineChunks';
import { corpus } from './testSupport';
import { parseTokenizerJson } from './tokenizerJson';

const files = deepseekV3TokenizerFiles();
const json = parseTokenizerJson(fs.readFileSync(files.tokenizerJson, 'utf8'), files.tokenizerJson);
const whole = createHfEncoder(json, {}, files.tokenizerJson);
const chunked = withLineChunkCache(whole, 64); // small capacity: generations turn over during the test

test('DeepSeek-V3 qualifies for line chunks; other layouts do not', () => {
  assert.equal(supportsLineChunks(json.preTokenizer, json.added), true);
  assert.equal(supportsLineChunks({ type: 'ByteLevel', add_prefix_space: false }, json.added), false);
  const rstrip = [...json.added, { id: 999_999, content: '<x>', special: false, lstrip: false, rstrip: true }];
  assert.equal(supportsLineChunks(json.preTokenizer, rstrip), false);
});

test('cuts only after a newline followed by indentation and a printable ASCII char', () => {
  const text = 'a\n  b\n\n  \nc\n\u3000d\n\te\n';
  const starts = lineChunkStarts(text);
  assert.deepEqual(starts.map((s) => text.slice(s, s + 3)), ['a\n ', '  b', 'c\n\u3000', '\te\n']);
});

test('chunked ids equal whole-text ids on the corpus and a large source file', () => {
  const big = fs.readFileSync(path.resolve(__dirname, '../../node_modules/typescript/lib/typescript.js'), 'utf8').slice(0, 120_000);
  for (const [name, text] of Object.entries({ ...corpus(), big })) assert.deepEqual(chunked(text), whole(text), name);
});

test('chunked ids equal whole-text ids on random mixes of tricky pieces', () => {
  const pieces = ['\n', '\r\n', '\n\n', ' ', '  ', '\t', '\v', '\f', '\u00a0', '\u3000', '\u2028', '\u0085', 'x', 'foo', 'Bar', '1', '12345',
    ';', '});', '#', '"', "'s", '.then', '中文', 'の', 'é', 'e\u0301', '😀', '<｜User｜>', '<｜fim▁hole｜>', '\u200b'];
  let seed = 12345;
  const random = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x80000000; };
  for (let n = 0; n < 400; n++) {
    let text = '';
    for (let k = 0; k < 40; k++) text += pieces[Math.floor(random() * pieces.length)];
    assert.deepEqual(chunked(text), whole(text), JSON.stringify(text));
  }
});

test('cached chunks are not shared with callers', () => {
  const a = chunked('x = 1\ny = 2\n');
  a.length = 0;
  assert.deepEqual(chunked('x = 1\ny = 2\n'), whole('x = 1\ny = 2\n'));
});
