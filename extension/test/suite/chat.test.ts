/// <reference types="mocha" />
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DeepSeekLocalApi } from '../../extension';
import { closeAll, extensionApi, modelReady, scratchEditor, waitFor } from './helpers';

suite('chat bridge and Apply to file', () => {
  let api: DeepSeekLocalApi;
  let previousTokens: number | undefined;
  const config = () => vscode.workspace.getConfiguration('deepseekLocal');
  suiteSetup(async () => {
    api = await extensionApi();
    await modelReady(api);
    // The demo model writes noise at a few tokens/s: keep answers short.
    previousTokens = config().inspect<number>('maxTokens')?.globalValue;
    await config().update('maxTokens', 24, vscode.ConfigurationTarget.Global);
    // Sent to the sidecar (deepseek/configure) before any chat request below.
    await waitFor('maxTokens 24 to reach the sidecar', () => api.settings.maxTokens === 24, 10_000);
  });
  suiteTeardown(async () => {
    await config().update('maxTokens', previousTokens, vscode.ConfigurationTarget.Global);
  });
  teardown(async () => {
    await vscode.commands.executeCommand('deepseekLocal.rejectEdit');
    await closeAll();
  });

  test('chat streams deltas from the real sidecar that add up to the answer', async () => {
    const deltas: string[] = [];
    const answer = await api.chatDeps.chat(
      [{ role: 'user', content: 'What does this function do?' }],
      [{ kind: 'selection', uri: 'file:///virtual/app.ts', languageId: 'typescript', text: 'function f(x) { return x * 2; }', label: 'app.ts:1' }],
      (d) => deltas.push(d), new vscode.CancellationTokenSource().token);
    assert.ok(answer.length > 0, 'the demo model answered something');
    assert.equal(deltas.join(''), answer);
  });

  test('cancelling a chat stops it and keeps the text so far', async () => {
    const source = new vscode.CancellationTokenSource();
    let streamed = '';
    let deltas = 0;
    const answer = await api.chatDeps.chat([{ role: 'user', content: 'Write a long story.' }], [],
      (d) => { streamed += d; deltas++; source.cancel(); }, source.token);
    assert.ok(source.token.isCancellationRequested);
    assert.ok(answer.startsWith(streamed) || streamed.startsWith(answer));
    // Cancel after the first delta stops generation between tokens: a few deltas already in flight at most,
    // not the hundreds an ignored cancel would stream (the random demo model almost never ends on its own).
    assert.ok(deltas <= 5, `generation stopped soon after cancel (got ${deltas} deltas)`);
  });

  test('Apply to file with a selection proposes replacing exactly the selection', async () => {
    const editor = await scratchEditor('ts', 'const a = 1;\nconst b = 2;\n');
    editor.selection = new vscode.Selection(1, 0, 1, 12);
    await api.chatDeps.applyCodeBlock('const b = 3;', 'typescript');
    assert.ok(api.edits.current, 'a proposal is pending');
    assert.equal(await vscode.commands.executeCommand('deepseekLocal.acceptEdit'), 'accepted');
    assert.equal(editor.document.getText(), 'const a = 1;\nconst b = 3;\n');
  });
});
