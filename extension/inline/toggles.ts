// Commands that switch completions off/on globally or for the active editor's language (user settings).
import * as vscode from 'vscode';
import { SECTION, toggleLanguage } from '../config/settings';

export async function toggleCompletions(): Promise<boolean> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const enabled = config.get<boolean>('completion.enabled', true);
  await config.update('completion.enabled', !enabled, vscode.ConfigurationTarget.Global);
  void vscode.window.setStatusBarMessage(`DeepSeek completions ${enabled ? 'off' : 'on'}`, 3000);
  return !enabled;
}

export async function toggleCompletionsForLanguage(languageId = vscode.window.activeTextEditor?.document.languageId): Promise<boolean | undefined> {
  if (!languageId) {
    void vscode.window.showWarningMessage('DeepSeek: open a file of the language to toggle completions for.');
    return undefined;
  }
  const config = vscode.workspace.getConfiguration(SECTION);
  const next = toggleLanguage(config.get<string[]>('completion.disabledLanguages'), languageId);
  await config.update('completion.disabledLanguages', next, vscode.ConfigurationTarget.Global);
  const enabled = !next.includes(languageId);
  void vscode.window.setStatusBarMessage(`DeepSeek completions ${enabled ? 'on' : 'off'} for ${languageId}`, 3000);
  return enabled;
}
