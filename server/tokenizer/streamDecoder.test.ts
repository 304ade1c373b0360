// The streaming detokenizer never shows half a character and always adds up to decode().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpus, deepseekV3 } from './testSupport';

const multibyte = ['cjk', 'emoji', 'other scripts', 'whitespace', 'special tokens inline'];

for (const name of multibyte) {
  test(`stream pieces concatenate to decode(): ${name}`, async () => {
    const tok = await deepseekV3();
    const text = corpus()[name];
    const ids = tok.encode(text);
    for (const skipSpecial of [false, true]) {
      const stream = tok.createStreamDecoder({ skipSpecial });
      const pieces = ids.map((id) => stream.push(id));
      pieces.push(stream.flush());
      assert.equal(pieces.join(''), tok.decode(ids, { skipSpecial }));
      for (const p of pieces) assert.ok(!p.includes('\ufffd'), `piece ${JSON.stringify(p)} has a replacement char`);
    }
  });
}

test('a character split across tokens is held back until complete', async () => {
  const tok = await deepseekV3();
  const ids = tok.encode('🫠𪚥', { addBos: false });
  // The check is only meaningful if some token really ends mid-character.
  assert.ok(ids.some((id) => tok.decode([id]).includes('\ufffd')), 'expected a token holding part of a character');
  const stream = tok.createStreamDecoder();
  const pieces = ids.map((id) => stream.push(id));
  assert.deepEqual(pieces.filter((p) => p !== ''), ['🫠', '𪚥']);
  assert.equal(stream.flush(), '');
});

test('flush turns an unfinished character into U+FFFD, like decode', async () => {
  const tok = await deepseekV3();
  const ids = tok.encode('🫠', { addBos: false });
  const partial = ids.slice(0, -1);
  const stream = tok.createStreamDecoder();
  const text = partial.map((id) => stream.push(id)).join('') + stream.flush();
  assert.equal(text, tok.decode(partial));
  assert.ok(text.endsWith('\ufffd'));
  // The decoder starts clean after a flush.
  assert.equal(ids.map((id) => stream.push(id)).join('') + stream.flush(), '🫠');
});

test('a leading U+FEFF is text, not a swallowed byte-order mark', async () => {
  const tok = await deepseekV3();
  const ids = tok.encode('\ufeffx', { addBos: false });
  const stream = tok.createStreamDecoder();
  assert.equal(ids.map((id) => stream.push(id)).join('') + stream.flush(), '\ufeffx');
});
