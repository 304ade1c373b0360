/// <reference types="mocha" />
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, extensionApi, modelReady, waitFor } from './helpers';

suite('activation', () => {
  test('every contributed command is registered', async () => {
    await extensionApi();
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length >= 14, `only ${contributed.length} commands in the manifest`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, []);
  });

  test('the real sidecar answers initialize and runs as a live process', async () => {
    const api = await extensionApi();
    await api.ready;
    assert.equal(api.sidecarState, 'running');
    const pid = api.sidecarPid;
    assert.equal(typeof pid, 'number');
    process.kill(pid!, 0); // throws if there is no such process
  });

  test('the status bar says DeepSeek ready once the demo model has loaded', async () => {
    const api = await extensionApi();
    await modelReady(api);
    await waitFor('status bar "DeepSeek … ready"', () => /DeepSeek/.test(api.statusBarText) && /ready/.test(api.statusBarText));
    assert.equal(api.serverStatus?.backend, 'local');
  });
});
