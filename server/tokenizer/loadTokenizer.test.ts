// loadTokenizer on small hand-made model folders: what loads, and how broken files are reported.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BYTE_TO_CHAR } from './byteLevel';
import { loadTokenizer } from './index';

/** A byte-level BPE over the 256 byte characters plus one merge ("a b" → "ab") and one special token. */
function tinyTokenizerJson(merges: unknown = ['a b']): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  BYTE_TO_CHAR.forEach((ch, b) => { vocab[ch] = b; });
  vocab.ab = 256;
  return {
    version: '1.0',
    added_tokens: [{ id: 257, content: '<s>', special: true }, { id: 258, content: '<hole>', special: false }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', vocab, merges },
  };
}

const made: string[] = [];
after(() => { for (const dir of made) fs.rmSync(dir, { recursive: true, force: true }); });

function modelDir(files: Record<string, string | object>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tok-test-'));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const config = { add_bos_token: true, bos_token: { content: '<s>' }, eos_token: '<s>', chat_template: '{{ bos_token }}{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}' };

test('a folder without tokenizer.json has no tokenizer', async () => {
  assert.equal(await loadTokenizer(modelDir({})), undefined);
});

test('a small byte-level BPE loads, merges, adds BOS and renders its template', async () => {
  const tok = (await loadTokenizer(modelDir({ 'tokenizer.json': tinyTokenizerJson(), 'tokenizer_config.json': config })))!;
  assert.equal(tok.vocabSize, 259);
  assert.equal(tok.bosId, 257);
  assert.deepEqual(tok.encode('abc<hole>', { addBos: false }), [256, 99, 258]);
  assert.deepEqual(tok.encode('ab'), [257, 256]);
  assert.equal(tok.decode([257, 256, 32, 258], { skipSpecial: true }), 'ab <hole>');
  assert.equal(tok.applyChatTemplate([{ role: 'user', content: 'hi' }]), '<s>[user]hi');
});

test('a template may reject a conversation with raise_exception', async () => {
  const rejecting = { chat_template: "{% if messages[0]['role'] != 'user' %}{{ raise_exception('first message must be from the user') }}{% endif %}ok" };
  const tok = (await loadTokenizer(modelDir({ 'tokenizer.json': tinyTokenizerJson(), 'tokenizer_config.json': rejecting })))!;
  assert.equal(tok.applyChatTemplate([{ role: 'user', content: 'x' }]), 'ok');
  assert.throws(() => tok.applyChatTemplate([{ role: 'assistant', content: 'x' }]), /tokenizer_config\.json: chat_template failed to render \(first message must be from the user\)/);
});

test('merges may be written as pairs', async () => {
  const tok = (await loadTokenizer(modelDir({ 'tokenizer.json': tinyTokenizerJson([['a', 'b']]) })))!;
  assert.deepEqual(tok.encode('ab'), [256]);
});

test('without tokenizer_config.json: no BOS/EOS, and chat templates are refused by name', async () => {
  const dir = modelDir({ 'tokenizer.json': tinyTokenizerJson() });
  const tok = (await loadTokenizer(dir))!;
  assert.equal(tok.bosId, undefined);
  assert.equal(tok.eosId, undefined);
  assert.deepEqual(tok.encode('ab'), [256]);
  assert.throws(() => tok.applyChatTemplate([{ role: 'user', content: 'x' }]), /tokenizer_config\.json has no chat_template/);
});

const broken: [string, Record<string, string | object>, RegExp][] = [
  ['truncated tokenizer.json', { 'tokenizer.json': '{"model": {"type": "BPE", "vocab": {' }, /tokenizer\.json: not valid JSON/],
  ['tokenizer.json that is an array', { 'tokenizer.json': '[]' }, /tokenizer\.json: expected a JSON object/],
  ['a WordPiece model', { 'tokenizer.json': { ...tinyTokenizerJson(), model: { type: 'WordPiece', vocab: {} } } }, /tokenizer\.json: model\.type is "WordPiece"/],
  ['vocab ids that are not integers', { 'tokenizer.json': { ...tinyTokenizerJson(), model: { type: 'BPE', vocab: { a: 'x' }, merges: [] } } }, /tokenizer\.json: model\.vocab\["a"\]/],
  ['a malformed merge', { 'tokenizer.json': tinyTokenizerJson(['ab']) }, /tokenizer\.json: model\.merges\[0\]/],
  ['an added token without content', { 'tokenizer.json': { ...tinyTokenizerJson(), added_tokens: [{ id: 3 }] } }, /tokenizer\.json: added_tokens\[0\]/],
  ['a non-byte-level decoder', { 'tokenizer.json': { ...tinyTokenizerJson(), decoder: { type: 'WordPiece' } } }, /tokenizer\.json: decoder must be ByteLevel/],
  ['truncated tokenizer_config.json', { 'tokenizer.json': tinyTokenizerJson(), 'tokenizer_config.json': '{"bos_token": ' }, /tokenizer_config\.json: not valid JSON/],
  ['a numeric bos_token', { 'tokenizer.json': tinyTokenizerJson(), 'tokenizer_config.json': { bos_token: 1 } }, /tokenizer_config\.json: bos_token must be/],
  ['a bos_token missing from the vocabulary', { 'tokenizer.json': tinyTokenizerJson(), 'tokenizer_config.json': { bos_token: '<bos>' } }, /bos_token "<bos>" is not in tokenizer\.json/],
  ['a chat_template that does not parse', { 'tokenizer.json': tinyTokenizerJson(), 'tokenizer_config.json': { chat_template: '{% if %}' } }, /tokenizer_config\.json: chat_template does not parse/],
];

for (const [what, files, message] of broken) {
  test(`clear error for ${what}`, async () => {
    const dir = modelDir(files);
    await assert.rejects(loadTokenizer(dir), (err: Error) => {
      assert.match(err.message, message);
      assert.ok(err.message.includes(dir), `error should name the folder/file: ${err.message}`);
      return true;
    });
  });
}
