import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendKey, DEFAULT_SETTINGS, mergeSettings, validateSettings } from './settings';

test('validateSettings accepts a full object, drops nulls and keeps empty strings (they clear)', () => {
  const s = validateSettings({ backend: 'openai', endpoint: 'http://x/v1', model: null, apiKey: '', completion: { enabled: false, maxTokens: null } });
  assert.deepEqual(s, { backend: 'openai', endpoint: 'http://x/v1', apiKey: '', completion: { enabled: false } });
  const withKey = mergeSettings(DEFAULT_SETTINGS, { apiKey: 'secret' });
  assert.equal(mergeSettings(withKey, s).apiKey, '');
});

test('validateSettings names the field at fault', () => {
  assert.throws(() => validateSettings({ backend: 'gpu' }), /setting 'backend'/);
  assert.throws(() => validateSettings({ completion: { maxTokens: 'many' } }), /setting 'completion.maxTokens'/);
  assert.throws(() => validateSettings([1]), /setting 'settings'/);
});

test('mergeSettings keeps unset fields and merges completion', () => {
  const s = mergeSettings(DEFAULT_SETTINGS, { modelDir: '/m', completion: { maxTokens: 10 } });
  assert.equal(s.modelDir, '/m');
  assert.equal(s.completion.maxTokens, 10);
  assert.equal(s.completion.enabled, true);
  assert.equal(mergeSettings(s, { temperature: 0.5 }).modelDir, '/m');
});

test('backendKey changes only with what needs a reload', () => {
  const a = mergeSettings(DEFAULT_SETTINGS, { modelDir: '/m' });
  assert.equal(backendKey(a), backendKey(mergeSettings(a, { temperature: 1, completion: { enabled: false } })));
  assert.notEqual(backendKey(a), backendKey(mergeSettings(a, { threads: 4 })));
  assert.notEqual(backendKey(a), backendKey(mergeSettings(a, { backend: 'openai' })));
});

test('constrainedEdits: on by default, must be a boolean', () => {
  assert.equal(DEFAULT_SETTINGS.constrainedEdits, true);
  assert.equal(mergeSettings(DEFAULT_SETTINGS, validateSettings({ constrainedEdits: false })).constrainedEdits, false);
  assert.equal(mergeSettings(DEFAULT_SETTINGS, validateSettings({ constrainedEdits: null })).constrainedEdits, true);
  assert.throws(() => validateSettings({ constrainedEdits: 'yes' }), /setting 'constrainedEdits' must be a boolean/);
});
