// Consistency of package.json's contributions with the code (typos here fail silently in VS Code).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readSettings, SECTION } from './config/settings';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

test('menus and keybindings only name contributed commands', () => {
  const commands = new Set<string>(contributes.commands.map((c: { command: string }) => c.command));
  const used: string[] = [
    ...Object.values(contributes.menus as Record<string, { command: string }[]>).flat().map((m) => m.command),
    ...contributes.keybindings.map((k: { command: string }) => k.command),
  ];
  assert.deepEqual(used.filter((c) => !commands.has(c)), []);
});

test('every command id is registered by extension.ts or its modules', () => {
  const sources = ['extension.ts', 'edits/editCommands.ts'].map((f) => readFileSync(path.join(__dirname, f), 'utf8')).join('\n');
  const missing = contributes.commands.map((c: { command: string }) => c.command).filter((id: string) => !sources.includes(`'${id}'`));
  assert.deepEqual(missing, []);
});

test('the chat view lives in the deepseekLocal container with an existing icon', () => {
  assert.deepEqual(contributes.viewsContainers.activitybar.map((c: { id: string }) => c.id), ['deepseekLocal']);
  assert.ok(existsSync(path.join(root, contributes.viewsContainers.activitybar[0].icon)));
  assert.deepEqual(contributes.views.deepseekLocal, [{ type: 'webview', id: 'deepseekLocal.chatView', name: 'Chat', icon: 'media/icon.svg' }]);
});

test('every setting the extension reads is declared, with the documented enums', () => {
  const props = contributes.configuration.properties as Record<string, { enum?: string[] }>;
  const read = new Set<string>();
  readSettings((key) => { read.add(key); return undefined; });
  for (const key of ['completion.disabledLanguages', ...read]) assert.ok(props[`${SECTION}.${key}`], `${SECTION}.${key} is not declared`);
  assert.deepEqual(props['deepseekLocal.backend']!.enum, ['local', 'openai']);
  assert.deepEqual(props['deepseekLocal.editFormat']!.enum, ['auto', 'search-replace', 'udiff', 'whole']);
  assert.deepEqual(props['deepseekLocal.device']!.enum, ['cpu', 'cuda']);
});

test('the extension runs beside the workspace (and its model/GPU) and keeps its entry point', () => {
  assert.deepEqual(pkg.extensionKind, ['workspace']);
  assert.equal(pkg.main, './dist/extension.js');
});
