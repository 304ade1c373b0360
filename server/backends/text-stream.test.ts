import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findStop, pendingStopLength } from './stop-strings';
import { TextStream } from './text-stream';

test('findStop finds the earliest stop string', () => {
  assert.equal(findStop('abc\n\ndef', ['def', '\n\n']), 3);
  assert.equal(findStop('abc', ['x']), -1);
  assert.equal(findStop('abc', undefined), -1);
});

test('pendingStopLength holds back a possible start of a stop string', () => {
  assert.equal(pendingStopLength('foo </', ['</end>']), 2);
  assert.equal(pendingStopLength('foo', ['</end>']), 0);
});

test('TextStream never emits a stop string, even split across pieces', () => {
  const deltas: string[] = [];
  const s = new TextStream(['<END>'], (d) => { deltas.push(d); });
  assert.equal(s.push('hello <'), true);
  assert.equal(s.push('EN'), true);
  assert.equal(s.push('D> more'), false);
  s.finish();
  assert.equal(deltas.join(''), 'hello ');
  assert.equal(s.text, 'hello ');
});

test('TextStream releases held text at the end and honours the caller stopping', () => {
  const deltas: string[] = [];
  const s = new TextStream(['<END>'], (d) => { deltas.push(d); });
  s.push('tail <E');
  s.finish();
  assert.equal(deltas.join(''), 'tail <E');
  const stopper = new TextStream(undefined, (_d, text) => text.length < 3);
  assert.equal(stopper.push('ab'), true);
  assert.equal(stopper.push('cd'), false);
  assert.equal(stopper.text, 'abcd');
});
