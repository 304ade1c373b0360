// "Select model": recent folders, browse…, the demo model, or an OpenAI-compatible endpoint.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { rememberRecent, validateModelFolder } from './modelFolder';
import { SECTION } from './settings';

const RECENT_KEY = 'deepseekLocal.recentModelDirs';

type Pick = vscode.QuickPickItem & { action: 'folder' | 'browse' | 'endpoint'; dir?: string };

export class ModelSelector {
  constructor(private readonly state: vscode.Memento, private readonly demoModelDir: () => string | undefined) {}

  get recent(): string[] { return this.state.get<string[]>(RECENT_KEY, []); }

  async pick(): Promise<void> {
    const config = vscode.workspace.getConfiguration(SECTION);
    const current = config.get<string>('backend') === 'openai' ? undefined : config.get<string>('modelDir');
    const items: Pick[] = [];
    // The configured folder counts as recent even when it was typed into settings by hand.
    const recent = current && !this.recent.includes(current) ? [current, ...this.recent] : this.recent;
    if (recent.length) items.push({ label: 'Recent', kind: vscode.QuickPickItemKind.Separator, action: 'folder' });
    const checks = await Promise.all(recent.map((dir) => validateModelFolder(dir)));
    recent.forEach((dir, i) => {
      const check = checks[i]!;
      items.push({
        label: `${check.ok ? '$(folder)' : '$(warning)'} ${path.basename(dir)}`,
        description: [dir === current ? 'current' : '', check.ok ? check.modelType : 'not usable'].filter(Boolean).join(' · '),
        detail: check.ok ? dir : check.message,
        action: 'folder', dir,
      });
    });
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator, action: 'folder' });
    items.push({ label: '$(folder-opened) Browse for a model folder…', detail: 'A folder with config.json, *.safetensors and tokenizer.json', action: 'browse' });
    const demo = this.demoModelDir();
    if (demo) items.push({ label: '$(beaker) Demo model', detail: demo, description: 'tiny, random weights: for trying the extension out', action: 'folder', dir: demo });
    items.push({ label: '$(cloud) OpenAI-compatible endpoint…', detail: 'e.g. https://api.deepseek.com/v1, or a local vLLM / llama.cpp server', action: 'endpoint' });
    const choice = await vscode.window.showQuickPick(items, { title: 'DeepSeek: Select model', placeHolder: 'Model folder or endpoint', matchOnDetail: true });
    if (!choice) return;
    if (choice.action === 'endpoint') return this.pickEndpoint();
    const dir = choice.action === 'browse' ? await this.browse() : choice.dir;
    if (dir) await this.useFolder(dir);
  }

  /** Validates, then points the settings (user level: model paths are per machine) at the folder. */
  async useFolder(dir: string): Promise<boolean> {
    const check = await validateModelFolder(dir);
    if (!check.ok) {
      void vscode.window.showErrorMessage(`DeepSeek: ${check.message}`);
      return false;
    }
    for (const w of check.warnings) void vscode.window.showWarningMessage(`DeepSeek: ${w}`);
    const config = vscode.workspace.getConfiguration(SECTION);
    await config.update('backend', 'local', vscode.ConfigurationTarget.Global);
    await config.update('modelDir', dir, vscode.ConfigurationTarget.Global);
    await this.state.update(RECENT_KEY, rememberRecent(this.recent, dir));
    void vscode.window.setStatusBarMessage(`DeepSeek: loading ${path.basename(dir)} (${check.modelType})`, 5000);
    return true;
  }

  private async browse(): Promise<string | undefined> {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Use this model', title: 'DeepSeek: model folder' });
    return picked?.[0]?.fsPath;
  }

  private async pickEndpoint(): Promise<void> {
    const config = vscode.workspace.getConfiguration(SECTION);
    const endpoint = await vscode.window.showInputBox({
      title: 'DeepSeek: OpenAI-compatible endpoint', prompt: 'Base URL of the API (ending before /chat/completions)',
      value: config.get<string>('endpoint') || 'http://127.0.0.1:8000/v1', ignoreFocusOut: true,
      validateInput: (v) => {
        try {
          const u = new URL(v.trim());
          return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'Use an http:// or https:// URL';
        } catch {
          return 'Not a URL';
        }
      },
    });
    if (!endpoint) return;
    const model = await vscode.window.showInputBox({
      title: 'DeepSeek: model name', prompt: 'Model name the server expects', value: config.get<string>('model') || 'deepseek-chat', ignoreFocusOut: true,
    });
    if (model === undefined) return;
    await config.update('endpoint', endpoint.trim(), vscode.ConfigurationTarget.Global);
    await config.update('model', model.trim(), vscode.ConfigurationTarget.Global);
    await config.update('backend', 'openai', vscode.ConfigurationTarget.Global);
    const choice = await vscode.window.showInformationMessage('DeepSeek: endpoint set. Does it need an API key?', 'Set API key');
    if (choice) await vscode.commands.executeCommand('deepseekLocal.setApiKey');
  }
}
