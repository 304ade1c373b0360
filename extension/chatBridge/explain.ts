// "Explain selection": asks in the chat view with the selection (or the file) attached.
import * as vscode from 'vscode';
import type { ChatViewProvider } from '../chat/chatView';
import { contextItemFor } from '../chat/contextItem';

export async function explainSelection(chat: ChatViewProvider): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage('DeepSeek: open a file and select the code to explain.');
    return;
  }
  const { document, selection } = editor;
  const item = contextItemFor({
    uri: document.uri.toString(),
    fileName: document.fileName,
    languageId: document.languageId,
    fullText: document.getText(),
    selection: selection.isEmpty ? undefined : { startLine: selection.start.line, endLine: selection.end.line, text: document.getText(selection) },
  });
  if (!item) {
    void vscode.window.showWarningMessage('DeepSeek: there is no code to explain here.');
    return;
  }
  const what = item.kind === 'selection' ? 'this code' : 'this file';
  await chat.ask(`Explain ${what} (${item.label}): what it does, how, and anything surprising.`, [item]);
}
