// Reads the sidecar settings from VS Code (configuration + SecretStorage + the demo model's location).
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { DeepSeekSettings } from '../../server/protocol';
import { readApiKey } from './apiKey';
import { readSettings, SECTION, type SettingsReader } from './settings';

export function settingsReader(): SettingsReader {
  const config = vscode.workspace.getConfiguration(SECTION);
  return (key) => config.get(key);
}

/** The demo model: DEEPSEEK_LOCAL_DEMO_MODEL (the test harness sets it), else one shipped beside dist/. */
export function demoModelDir(context: vscode.ExtensionContext): string | undefined {
  const fromEnv = process.env.DEEPSEEK_LOCAL_DEMO_MODEL;
  if (fromEnv) return fromEnv;
  const bundled = context.asAbsolutePath('demo-model');
  return existsSync(bundled) ? bundled : undefined;
}

export async function currentSettings(context: vscode.ExtensionContext): Promise<DeepSeekSettings> {
  return readSettings(settingsReader(), {
    apiKey: await readApiKey(context.secrets),
    workspaceRoot: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    demoModelDir: demoModelDir(context),
  });
}
