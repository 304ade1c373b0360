import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { completionsEnabledFor, expandModelDir, fixedDebounceMs, readSettings, settingsProblem, toggleLanguage } from './settings';

const reader = (values: Record<string, unknown>) => (key: string) => values[key];

test('readSettings maps every setting and applies defaults', () => {
  const s = readSettings(reader({
    backend: 'openai', endpoint: ' http://127.0.0.1:8000/v1 ', model: 'deepseek-chat', maxTokens: 512,
    temperature: 0.2, editFormat: 'udiff', threads: 8, device: 'cuda', 'completion.enabled': false,
    'completion.debounceMs': 120, constrainedEdits: false,
  }), { apiKey: 'sk-1' });
  assert.deepEqual(s, {
    backend: 'openai', modelDir: '', endpoint: 'http://127.0.0.1:8000/v1', model: 'deepseek-chat',
    apiKey: 'sk-1', maxTokens: 512, temperature: 0.2, editFormat: 'udiff', constrainedEdits: false, threads: 8,
    device: 'cuda', completion: { enabled: false, debounceMs: 120 },
  });
});

test('readSettings rejects invalid values instead of passing them on', () => {
  const s = readSettings(reader({ backend: 'gpt', editFormat: 'xml', device: 'tpu', threads: 2.5, maxTokens: -1,
    temperature: -3, 'completion.debounceMs': 0 }));
  assert.equal(s.backend, 'local');
  assert.equal(s.editFormat, 'auto');
  assert.equal(s.device, 'cpu');
  assert.equal(s.threads, 0, '0 = automatic');
  assert.equal(s.maxTokens, undefined);
  assert.equal(s.temperature, undefined);
  assert.equal(s.completion?.debounceMs, 0, '0 = adaptive');
  assert.equal(s.completion?.enabled, true);
  assert.equal(s.constrainedEdits, true, 'constrained edits are on unless turned off');
});

test('cleared text settings are sent as empty strings so the merging server drops its old value', () => {
  const s = readSettings(reader({ modelDir: '  ', endpoint: '', model: undefined }));
  assert.equal(s.modelDir, '');
  assert.equal(s.endpoint, '');
  assert.equal(s.model, '');
  assert.equal(s.apiKey, '');
  assert.equal(readSettings(reader({}), { apiKey: 'k' }).apiKey, 'k');
});

test('modelDir: configured folder wins over the demo model, which fills in when empty', () => {
  assert.equal(readSettings(reader({ modelDir: '' }), { demoModelDir: '/demo' }).modelDir, '/demo');
  assert.equal(readSettings(reader({ modelDir: '/m' }), { demoModelDir: '/demo' }).modelDir, '/m');
  assert.equal(readSettings(reader({ modelDir: 'models/x' }), { workspaceRoot: '/ws' }).modelDir, path.resolve('/ws', 'models/x'));
});

test('expandModelDir expands ~ and keeps absolute paths', () => {
  assert.equal(expandModelDir('~/m', undefined, '/home/u'), path.join('/home/u', 'm'));
  assert.equal(expandModelDir('~', undefined, '/home/u'), '/home/u');
  assert.equal(expandModelDir('/abs/m', '/ws', '/home/u'), '/abs/m');
});

test('fixed debounce only when positive', () => {
  assert.equal(fixedDebounceMs(reader({ 'completion.debounceMs': 200 })), 200);
  assert.equal(fixedDebounceMs(reader({ 'completion.debounceMs': 0 })), undefined);
  assert.equal(fixedDebounceMs(reader({})), undefined);
});

test('completionsEnabledFor honours the global switch and the language list', () => {
  assert.equal(completionsEnabledFor(reader({}), 'python'), true);
  assert.equal(completionsEnabledFor(reader({ 'completion.enabled': false }), 'python'), false);
  assert.equal(completionsEnabledFor(reader({ 'completion.disabledLanguages': ['markdown'] }), 'markdown'), false);
  assert.equal(completionsEnabledFor(reader({ 'completion.disabledLanguages': ['markdown'] }), 'go'), true);
});

test('toggleLanguage adds then removes', () => {
  const once = toggleLanguage(['rust'], 'go');
  assert.deepEqual(once, ['go', 'rust']);
  assert.deepEqual(toggleLanguage(once, 'go'), ['rust']);
  assert.deepEqual(toggleLanguage(undefined, 'go'), ['go']);
});

test('settingsProblem names what is missing', () => {
  assert.match(settingsProblem({ backend: 'openai' }) ?? '', /endpoint is empty/);
  assert.match(settingsProblem({ backend: 'openai', endpoint: 'not a url' }) ?? '', /not a URL/);
  assert.match(settingsProblem({ backend: 'openai', endpoint: 'ftp://x' }) ?? '', /http/);
  assert.equal(settingsProblem({ backend: 'openai', endpoint: 'https://api.deepseek.com/v1' }), undefined);
  assert.match(settingsProblem({ backend: 'local' }) ?? '', /Select model/);
  assert.equal(settingsProblem({ backend: 'local', modelDir: '/m' }), undefined);
});
