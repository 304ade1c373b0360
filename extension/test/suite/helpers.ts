// Shared helpers of the extension-host suites: the extension's API, polling, scratch files.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DeepSeekLocalApi } from '../../extension';

export const EXTENSION_ID = 'deepseek-local.deepseek-local';

export async function extensionApi(): Promise<DeepSeekLocalApi> {
  const ext = vscode.extensions.getExtension<DeepSeekLocalApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this VS Code`);
  return ext.activate();
}

/** Polls `probe` until it returns a truthy value; fails naming `what` after timeoutMs. */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the sidecar is up and its backend (the demo model) has loaded. */
export async function modelReady(api: DeepSeekLocalApi): Promise<void> {
  await api.whenReady();
  await waitFor('the demo model to load (status "ready")', () => api.serverStatus?.state === 'ready', 120_000);
}

let counter = 0;

/** A new file on disk (scheme file: the sidecar only syncs file/untitled documents), opened in an editor. */
export async function scratchEditor(ext: string, text: string): Promise<vscode.TextEditor> {
  const root = process.env.DEEPSEEK_LOCAL_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.tmpdir();
  const dir = path.join(root, 'scratch');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `t${process.pid}-${++counter}.${ext}`);
  writeFileSync(file, text);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  return vscode.window.showTextDocument(doc);
}

export async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
