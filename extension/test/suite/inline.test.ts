/// <reference types="mocha" />
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DeepSeekLocalApi } from '../../extension';
import { closeAll, extensionApi, modelReady, scratchEditor, waitFor } from './helpers';

const invoke: vscode.InlineCompletionContext = { triggerKind: vscode.InlineCompletionTriggerKind.Invoke, selectedCompletionInfo: undefined };
const automatic: vscode.InlineCompletionContext = { triggerKind: vscode.InlineCompletionTriggerKind.Automatic, selectedCompletionInfo: undefined };

suite('inline completions', () => {
  let api: DeepSeekLocalApi;
  suiteSetup(async () => {
    api = await extensionApi();
    await modelReady(api);
  });
  teardown(closeAll);

  test('the provider returns a suggestion from the real sidecar, and reuses it while the user types it', async () => {
    // The demo model writes noise, which may be only whitespace (answered with no item) at one spot: try a few.
    const prompts = [
      'def add(a, b):\n    """Return the sum of a and b."""\n    return ',
      'import os\n\n\ndef list_files(path):\n    result = ',
      'class Point:\n    def __init__(self, x, y):\n        self.',
    ];
    for (const prompt of prompts) {
      const editor = await scratchEditor('py', prompt);
      const doc = editor.document;
      const pos = doc.positionAt(prompt.length);
      // The cursor sits where the user types, so VS Code's own calls after the edit below also hit the reuse path.
      editor.selection = new vscode.Selection(pos, pos);
      const sent = api.completions.requestsSent;
      const items = await api.completions.provideInlineCompletionItems(doc, pos, invoke, new vscode.CancellationTokenSource().token);
      assert.ok(api.completions.requestsSent > sent, 'the request reached the sidecar');
      if (!items?.length) continue;
      const text = items[0]!.insertText as string;
      assert.ok(text.trim().length > 0);
      assert.ok(items[0]!.range?.start.isEqual(pos));
      if (text.length < 2) continue;
      // Type the first character of the suggestion: the rest comes back without a new request.
      const before = api.completions.requestsSent;
      await editor.edit((b) => b.insert(pos, text[0]!));
      const next = doc.positionAt(doc.offsetAt(pos) + 1);
      const reused = await api.completions.provideInlineCompletionItems(doc, next, automatic, new vscode.CancellationTokenSource().token);
      assert.equal(api.completions.requestsSent, before, 'no new request while typing the suggestion');
      assert.equal(reused?.[0]?.insertText, text.slice(1));
      return;
    }
    assert.fail(`no suggestion of 2+ characters from the sidecar for any of ${prompts.length} prompts`);
  });

  test('VS Code itself calls the provider (editor.action.inlineSuggest.trigger)', async () => {
    const editor = await scratchEditor('ts', 'export function square(x: number): number {\n  return ');
    const end = editor.document.lineAt(1).range.end;
    editor.selection = new vscode.Selection(end, end);
    const sent = api.completions.requestsSent;
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    await waitFor('VS Code to ask the provider', () => api.completions.requestsSent > sent, 30_000);
  });

  test('a cancelled request returns nothing', async () => {
    const editor = await scratchEditor('py', 'x = ');
    const source = new vscode.CancellationTokenSource();
    const pending = api.completions.provideInlineCompletionItems(editor.document, new vscode.Position(0, 4), automatic, source.token);
    source.cancel();
    assert.equal(await pending, undefined);
  });

  test('toggling completions for a language stops requests for it', async () => {
    const editor = await scratchEditor('py', 'value = ');
    const enabled = await vscode.commands.executeCommand<boolean>('deepseekLocal.toggleCompletionsForLanguage', 'python');
    try {
      assert.equal(enabled, false);
      const sent = api.completions.requestsSent;
      const items = await api.completions.provideInlineCompletionItems(editor.document, new vscode.Position(0, 8), invoke, new vscode.CancellationTokenSource().token);
      assert.equal(items, undefined);
      assert.equal(api.completions.requestsSent, sent);
    } finally {
      assert.equal(await vscode.commands.executeCommand<boolean>('deepseekLocal.toggleCompletionsForLanguage', 'python'), true);
    }
  });
});
