import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTextEdits } from './textEdits';

const r = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

test('applies several edits regardless of order', () => {
  const text = 'alpha\nbeta\ngamma\n';
  const out = applyTextEdits(text, [
    { range: r(2, 0, 2, 5), newText: 'GAMMA' },
    { range: r(0, 0, 0, 1), newText: 'A' },
    { range: r(1, 4, 1, 4), newText: '!' },
  ]);
  assert.equal(out, 'Alpha\nbeta!\nGAMMA\n');
});

test('multi-line replacement, CRLF line ends, and whole-document replace', () => {
  assert.equal(applyTextEdits('a\r\nb\r\nc', [{ range: r(0, 1, 2, 0), newText: '-' }]), 'a-c');
  assert.equal(applyTextEdits('a\r\nb', [{ range: r(0, 99, 0, 99), newText: '!' }]), 'a!\r\nb');
  assert.equal(applyTextEdits('old\ntext', [{ range: r(0, 0, 99, 0), newText: 'new' }]), 'new');
});

test('inserts at the same position keep their order; overlaps are refused', () => {
  assert.equal(applyTextEdits('x', [{ range: r(0, 0, 0, 0), newText: '1' }, { range: r(0, 0, 0, 0), newText: '2' }]), '12x');
  assert.throws(() => applyTextEdits('abcdef', [{ range: r(0, 0, 0, 4), newText: '' }, { range: r(0, 2, 0, 5), newText: '' }]), /overlapping/);
});

test('editsForDocument reads both WorkspaceEdit shapes; otherDocuments lists foreign targets', async () => {
  const { editsForDocument, otherDocuments } = await import('./textEdits');
  const e1 = { range: r(0, 0, 0, 1), newText: 'A' };
  const we = {
    documentChanges: [
      { textDocument: { uri: 'file:///a.ts', version: 3 }, edits: [e1] },
      { textDocument: { uri: 'file:///b.ts', version: 1 }, edits: [{ range: r(0, 0, 0, 0), newText: 'x' }] },
    ],
  };
  assert.deepEqual(editsForDocument(we, 'file:///a.ts'), [e1]);
  assert.deepEqual(otherDocuments(we, 'file:///a.ts'), ['file:///b.ts']);
  assert.deepEqual(editsForDocument({ changes: { 'file:///a.ts': [e1] } }, 'file:///a.ts'), [e1]);
  assert.deepEqual(otherDocuments({ changes: { 'file:///a.ts': [e1] } }, 'file:///a.ts'), []);
});
