// "Explain selection": asks in the chat view with the selection (or the file) attached.
import * as vscode from 'vscode';
import type { ChatViewProvider } from '../chat/chatView';
import { contextItemFor } from '../chat/contextItem';
import { snapshotOf } from '../chat/contextTracker';

export async function explainSelection(chat: ChatViewProvider): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage('DeepSeek: open a file and select the code to explain.');
    return;
  }
  const item = contextItemFor(snapshotOf(editor));
  if (!item) {
    void vscode.window.showWarningMessage('DeepSeek: there is no code to explain here.');
    return;
  }
  const what = item.kind === 'selection' ? 'this code' : 'this file';
  await chat.ask(`Explain ${what} (${item.label}): what it does, how, and anything surprising.`, [item]);
}
