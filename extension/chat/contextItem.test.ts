import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chipFor, contextItemFor } from './contextItem';

const file = { uri: 'file:///w/src/app.ts', fileName: '/w/src/app.ts', languageId: 'typescript', fullText: 'line1\nline2\nline3\n' };

test('a selection becomes a selection item labelled with 1-based lines', () => {
  const item = contextItemFor({ ...file, selection: { startLine: 9, endLine: 23, text: 'code' } });
  assert.deepEqual(item, { kind: 'selection', uri: file.uri, languageId: 'typescript', text: 'code', label: 'app.ts:10-24' });
  assert.equal(contextItemFor({ ...file, selection: { startLine: 4, endLine: 4, text: 'x' } })?.label, 'app.ts:5');
});

test('no (or blank) selection attaches the file; empty files attach nothing', () => {
  assert.deepEqual(contextItemFor({ ...file, selection: { startLine: 0, endLine: 0, text: '  ' } }),
    { kind: 'file', uri: file.uri, languageId: 'typescript', text: file.fullText, label: 'app.ts' });
  assert.equal(contextItemFor({ ...file, fileName: 'C:\\w\\win.py', fullText: 'x' })?.label, 'win.py');
  assert.equal(contextItemFor({ ...file, fullText: '\n\n' }), undefined);
});

test('a huge file is cut at a line boundary and says so', () => {
  const item = contextItemFor({ ...file, fullText: 'abcdefghi\n'.repeat(100) }, 95);
  assert.equal(item?.label, 'app.ts (truncated)');
  assert.equal(item?.text, 'abcdefghi\n'.repeat(9));
});

test('chip ids are stable for the same selection and differ for another', () => {
  const a = contextItemFor({ ...file, selection: { startLine: 0, endLine: 1, text: 'ab' } })!;
  const b = contextItemFor({ ...file, selection: { startLine: 0, endLine: 1, text: 'ab' } })!;
  const c = contextItemFor({ ...file, selection: { startLine: 0, endLine: 2, text: 'abc' } })!;
  assert.equal(chipFor(a).id, chipFor(b).id);
  assert.notEqual(chipFor(a).id, chipFor(c).id);
  assert.deepEqual({ kind: chipFor(a).kind, label: chipFor(a).label }, { kind: 'selection', label: 'app.ts:1-2' });
});
