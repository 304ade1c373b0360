/// <reference types="mocha" />
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
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

suite('Select model', () => {
  test('a folder that is not a model is refused with the settings untouched; a model folder is taken and remembered', async () => {
    const api = await extensionApi();
    const config = () => vscode.workspace.getConfiguration('deepseekLocal');
    const before = config().get<string>('modelDir');
    const notAModel = mkdtempSync(path.join(os.tmpdir(), 'dsl-not-a-model-'));
    writeFileSync(path.join(notAModel, 'config.json'), '{"model_type":"llama"}');
    assert.equal(await api.models.useFolder(notAModel), false);
    assert.equal(config().get<string>('modelDir'), before);
    const demo = process.env.DEEPSEEK_LOCAL_DEMO_MODEL;
    if (!demo) return;
    const previous = config().inspect<string>('modelDir')?.globalValue;
    try {
      assert.equal(await api.models.useFolder(demo), true);
      assert.equal(config().get<string>('modelDir'), demo);
      assert.equal(api.models.recent[0], demo);
    } finally {
      await config().update('modelDir', previous, vscode.ConfigurationTarget.Global);
    }
  });
});
