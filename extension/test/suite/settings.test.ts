/// <reference types="mocha" />
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extensionApi, modelReady, waitFor } from './helpers';

suite('settings', () => {
  test('changing settings reconfigures the running sidecar without a restart', async () => {
    const api = await extensionApi();
    await modelReady(api);
    const pid = api.sidecarPid;
    const config = vscode.workspace.getConfiguration('deepseekLocal');
    const previousDir = config.inspect<string>('modelDir')?.globalValue;
    const previousTokens = config.inspect<number>('maxTokens')?.globalValue;
    const missing = path.join(os.tmpdir(), `dsl-no-model-${process.pid}`);
    try {
      await config.update('maxTokens', 77, vscode.ConfigurationTarget.Global);
      await waitFor('maxTokens 77 to reach the sidecar settings', () => api.settings.maxTokens === 77, 10_000);
      await config.update('modelDir', missing, vscode.ConfigurationTarget.Global);
      // The server reloads its backend from the new folder, which fails: it must say so.
      await waitFor('the sidecar to report the missing model folder', () => api.serverStatus?.state === 'error' || api.serverStatus?.state === 'unconfigured', 30_000);
      assert.equal(api.settings.modelDir, missing);
    } finally {
      await config.update('modelDir', previousDir, vscode.ConfigurationTarget.Global);
      await config.update('maxTokens', previousTokens, vscode.ConfigurationTarget.Global);
    }
    await modelReady(api);
    assert.equal(api.sidecarPid, pid, 'same sidecar process: reconfigured, not restarted');
  });
});
