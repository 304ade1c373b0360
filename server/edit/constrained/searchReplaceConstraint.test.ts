// The constraint over the real DeepSeek-V3 vocabulary: the trie walk allows exactly the tokens that fit, and any
// sequence of allowed tokens is an answer that the edit module applies, changing only lines of the region.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { deepseekV3 } from '../../tokenizer/testSupport';
import type { ByteLevelBpeTokenizer } from '../../tokenizer/byteLevelBpeTokenizer';
import { applyModelAnswer, applyTextEdits } from '../index';
import { seededRandom } from '../../engine/sampler';
import { assertOnlyRegionChanged } from './testSupport';
import { DIVIDER, FileSpans, HEAD, searchReplaceConstraint, vocabTrieFor, type LineRegion, type SearchReplaceConstraint } from './index';

const CASES = path.join(__dirname, '../fixtures/cases');
const read = (name: string) => fs.readFileSync(path.join(CASES, name), 'utf8');
let tok: ByteLevelBpeTokenizer;

before(async () => { tok = await deepseekV3(); });

/** Feeds text as the tokenizer encodes it. */
function feedText(c: SearchReplaceConstraint, text: string): void {
  for (const id of tok.encode(text, { addBos: false })) c.advance(id);
}

/** Every id whose bytes fit, by simulating each token on its own (what the trie walk must reproduce). */
function bruteForce(c: SearchReplaceConstraint): number[] {
  const out: number[] = [];
  for (let id = 0; id < tok.vocabSize; id++) if (c.fits(id)) out.push(id);
  return out;
}

/** Picks uniformly among the allowed ids until done (a model with no preference at all). */
function sample(c: SearchReplaceConstraint, seed: number, maxTokens: number): number[] {
  const random = seededRandom(seed);
  const out: number[] = [];
  while (!c.done && out.length < maxTokens) {
    const allowed = c.allowed();
    const id = allowed[Math.floor(random() * allowed.length)];
    c.advance(id);
    out.push(id);
  }
  return out;
}

/** Applies the answer like the LSP does; returns the new text. */
function apply(answer: string, file: string, text: string): string {
  const r = applyModelAnswer(answer, [{ path: file, text }], { format: 'search-replace', root: '/ws', defaultPath: file });
  assert.ok(r.ok, `${r.ok ? '' : r.error}\n--- answer:\n${answer}`);
  return applyTextEdits(text, r.changes[0].edits);
}

test('the trie holds every single byte and spells each token once', () => {
  const trie = vocabTrieFor(tok);
  const spelled = new Set<number>();
  const walk = (node: number, depth: number): void => {
    const id = trie.tokenAt(node);
    if (id >= 0) { assert.equal(trie.bytesById[id]!.length, depth); spelled.add(id); }
    for (let c = trie.firstChildOf(node); c >= 0; c = trie.nextSiblingOf(c)) walk(c, depth + 1);
  };
  walk(0, 0);
  for (let b = 0; b < 256; b++) assert.ok(trie.tokenAt(trie.child(0, b)) >= 0, `byte ${b} has a token`);
  const withBytes = trie.bytesById.filter((b) => b && b.length).length;
  assert.ok(spelled.size > 100_000 && spelled.size <= withBytes, `${spelled.size} of ${withBytes}`);
  assert.equal(trie.bytesById[tok.eosId!], undefined, 'special tokens are not in the trie');
});

test('the trie walk allows exactly the tokens that fit, in every phase of a block', () => {
  const text = read('pallets-itsdangerous-113ef4df.before.py.txt');
  const lines = text.split('\n');
  const c = searchReplaceConstraint(tok, new FileSpans(text, 'setup.py', { startLine: 5, endLine: 25 }), { maxTokens: 10_000 });
  const check = (phase: string) => assert.deepEqual([...c.allowed()].sort((a, b) => a - b), bruteForce(c), phase);
  check('head');
  feedText(c, HEAD);
  check('SEARCH start: every line start of the region');
  feedText(c, lines[9].slice(0, 6));
  check('inside a SEARCH line');
  feedText(c, lines[9].slice(6) + '\n' + DIVIDER);
  check('REPLACE line start');
  feedText(c, '    x = "');
  check('inside a REPLACE line');
});

test('a REPLACE line that reads as an elision marker cannot be ended', () => {
  const text = 'a = 1\nb = 2\n';
  const c = searchReplaceConstraint(tok, new FileSpans(text, 'x.py'), { maxTokens: 100 });
  feedText(c, HEAD + 'a = 1\n' + DIVIDER + '# ...');
  const newline = tok.encode('\n', { addBos: false })[0];
  assert.equal(c.fits(newline), false);
  assert.equal([...c.allowed()].includes(newline), false);
  // the walk's cheap pre-test must not miss elisions behind unusual whitespace
  for (const lead of ['\v', '\u00a0', '\t ']) {
    const e = searchReplaceConstraint(tok, new FileSpans(text, 'x.py'), { maxTokens: 100 });
    feedText(e, HEAD + 'a = 1\n' + DIVIDER + lead + '...');
    assert.deepEqual([...e.allowed()].filter((id) => !e.fits(id)).map((id) => tok.decode([id])), [], JSON.stringify(lead));
    assert.equal(e.fits(newline), false, JSON.stringify(lead));
  }
  const d = searchReplaceConstraint(tok, new FileSpans(text, 'x.py'), { maxTokens: 100 });
  feedText(d, HEAD + 'a = 1\n' + DIVIDER + 'a = "..."');
  assert.equal(d.fits(newline), true, 'a line merely containing "..." is fine');
});

const REGIONS: Array<[string, LineRegion | undefined]> = [
  ['pallets-itsdangerous-113ef4df.before.py.txt', { startLine: 10, endLine: 30 }],
  ['google-uuid-016b1995.before.go.txt', { startLine: 1, endLine: 40 }],
  ['google-uuid-0cd6bf5d.before.go.txt', undefined],
];

test('any sequence of allowed tokens is a complete answer that applies and only touches the region', () => {
  for (const [name, region] of REGIONS) {
    const text = read(name);
    for (const [seed, maxBlocks] of [[1, 1], [2, 1], [3, 3]]) {
      const c = searchReplaceConstraint(tok, new FileSpans(text, name, region), { maxTokens: 160, maxBlocks, maxReplaceLines: 6 });
      const ids = sample(c, seed, 160);
      assert.ok(c.done || c.completedBlocks >= 1, `${name} seed ${seed}: finished within the budget`);
      const after = apply(tok.decode(ids), name, text);
      if (region) assertOnlyRegionChanged(text, after, region, `${name} seed ${seed}`);
    }
  }
});

test('walk results shared between answers respect each answer\'s REPLACE line limit', () => {
  const text = 'a = 1\nb = 2\n';
  for (const maxReplaceLines of [9, 2, 0, 9]) {
    const c = searchReplaceConstraint(tok, new FileSpans(text, 'x.py'), { maxTokens: 100, maxReplaceLines });
    feedText(c, HEAD + 'a = 1\n=======');
    const wrong = [...c.allowed()].filter((id) => !c.fits(id));
    assert.deepEqual(wrong.map((id) => tok.decode([id])), [], `maxReplaceLines ${maxReplaceLines}`);
  }
});

test('CRLF, no final newline and marker-like lines in the file still give applicable answers', () => {
  const files: Record<string, string> = {
    'crlf.py': 'a = 1\r\nb = 2\r\n\r\nc = 3\r\n',
    'nofinal.py': 'x = 1\ny = 2\nz = 3',
    'notes.md': 'Title\n=======\n\nText\n>>>>>>> not a marker here\nend\n',
  };
  for (const [name, text] of Object.entries(files)) {
    for (const seed of [7, 8]) {
      const c = searchReplaceConstraint(tok, new FileSpans(text, name), { maxTokens: 60, maxBlocks: 2, maxReplaceLines: 3 });
      const ids = sample(c, seed, 60);
      const answer = tok.decode(ids);
      apply(answer, name, text);
    }
  }
});

test('near the end of the budget the answer is steered to its shortest ending', () => {
  const text = read('google-uuid-016b1995.before.go.txt');
  for (const seed of [4, 5, 6]) {
    const spans = new FileSpans(text, 'uuid.go', { startLine: 20, endLine: 60 });
    const budget = 60; // a little more than the shortest complete block in tokens
    const c = searchReplaceConstraint(tok, spans, { maxTokens: budget, maxReplaceLines: 100 });
    const ids = sample(c, seed, budget);
    assert.ok(c.done, `seed ${seed}: complete in ${ids.length} tokens`);
    assert.ok(ids.length <= budget);
    apply(tok.decode(ids), 'uuid.go', text);
  }
});
