// Offers "Fix with DeepSeek" in the light bulb wherever there are diagnostics.
import * as vscode from 'vscode';
import type { EditCommandOptions } from './editCommands';

export class FixCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (!context.diagnostics.length) return [];
    const action = new vscode.CodeAction('Fix with DeepSeek', vscode.CodeActionKind.QuickFix);
    action.diagnostics = [...context.diagnostics];
    const args: EditCommandOptions = {
      uri: document.uri.toString(),
      range: { start: { line: range.start.line, character: range.start.character }, end: { line: range.end.line, character: range.end.character } },
    };
    action.command = { command: 'deepseekLocal.fix', title: 'Fix with DeepSeek', arguments: [args] };
    return [action];
  }
}
