// The OpenAI-compatible endpoint's API key lives in SecretStorage only (never in settings files).
import * as vscode from 'vscode';

export const API_KEY_SECRET = 'deepseekLocal.apiKey';

export async function readApiKey(secrets: vscode.SecretStorage): Promise<string | undefined> {
  return (await secrets.get(API_KEY_SECRET)) || undefined;
}

/** Command "Set API key": empty input removes the stored key. */
export async function promptForApiKey(secrets: vscode.SecretStorage): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: 'DeepSeek: API key for the OpenAI-compatible endpoint',
    prompt: 'Stored in VS Code\'s secret storage, never in settings. Leave empty to remove the stored key.',
    password: true,
    ignoreFocusOut: true,
  });
  if (key === undefined) return;
  if (key.trim()) {
    await secrets.store(API_KEY_SECRET, key.trim());
    void vscode.window.showInformationMessage('DeepSeek: API key saved.');
  } else {
    await secrets.delete(API_KEY_SECRET);
    void vscode.window.showInformationMessage('DeepSeek: API key removed.');
  }
}
