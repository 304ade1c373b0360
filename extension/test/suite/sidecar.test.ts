/// <reference types="mocha" />
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionApi, modelReady, waitFor } from './helpers';

suite('sidecar supervision (runs last: restarts the sidecar)', () => {
  test('Restart sidecar starts a fresh process', async () => {
    const api = await extensionApi();
    await api.whenReady();
    const before = api.sidecarPid!;
    await vscode.commands.executeCommand('deepseekLocal.restartSidecar');
    await api.whenReady();
    assert.notEqual(api.sidecarPid, before);
    await waitFor('the old process to be gone', () => { try { process.kill(before, 0); return false; } catch { return true; } }, 10_000);
  });

  test('a sidecar that dies is restarted and loads the model again', async () => {
    const api = await extensionApi();
    await modelReady(api);
    const before = api.sidecarPid!;
    process.kill(before, 'SIGKILL');
    const after = await waitFor('a new sidecar process', () => api.sidecarState === 'running' && api.sidecarPid !== undefined && api.sidecarPid !== before ? api.sidecarPid : undefined, 60_000);
    assert.notEqual(after, before);
    await modelReady(api);
    assert.match(api.statusBarText, /DeepSeek.*ready/);
  });
});
