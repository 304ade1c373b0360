// Ghost-text completions from the sidecar's textDocument/inlineCompletion, debounced and reused while typing.
import * as vscode from 'vscode';
import { InlineCompletionRequest, type InlineCompletionItem as LspItem } from 'vscode-languageclient/node';
import type { Sidecar } from '../sidecar/sidecar';
import { AdaptiveDebounce } from './debounce';
import { remainingSuggestion, rememberSuggestion, textFromCursor, type ShownSuggestion, type TextReader } from './suggestionReuse';

/** Resolves after `ms`, or at once when VS Code cancels (the user typed on). */
function wait(ms: number, token: vscode.CancellationToken): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); sub.dispose(); resolve(); };
    const timer = setTimeout(done, ms);
    const sub = token.onCancellationRequested(done);
  });
}

export class SidecarInlineCompletionProvider implements vscode.InlineCompletionItemProvider, vscode.Disposable {
  readonly debounce = new AdaptiveDebounce();
  private shown: ShownSuggestion | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Requests actually sent to the sidecar (tests check that reuse sends none). */
  requestsSent = 0;

  constructor(private readonly sidecar: Sidecar, private readonly enabledFor: (languageId: string) => boolean,
              private readonly output: vscode.LogOutputChannel) {
    this.subscriptions.push(vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length && e.document === vscode.window.activeTextEditor?.document) this.debounce.recordKeystroke(Date.now());
    }));
  }

  async provideInlineCompletionItems(document: vscode.TextDocument, position: vscode.Position,
                                     context: vscode.InlineCompletionContext, token: vscode.CancellationToken):
    Promise<vscode.InlineCompletionItem[] | undefined> {
    if (!this.enabledFor(document.languageId)) return undefined;
    const uri = document.uri.toString();
    const read: TextReader = (start, end) => document.getText(new vscode.Range(document.positionAt(start), document.positionAt(end)));
    const cursor = document.offsetAt(position);
    // With the suggest widget open the ghost text must extend its selected item: ask the server afresh.
    const rest = context.selectedCompletionInfo ? undefined : remainingSuggestion(this.shown, uri, read, cursor);
    if (rest !== undefined) return [new vscode.InlineCompletionItem(rest, new vscode.Range(position, position))];
    this.shown = undefined;

    if (context.triggerKind === vscode.InlineCompletionTriggerKind.Automatic) {
      await wait(this.debounce.delayMs(), token);
      if (token.isCancellationRequested) return undefined;
    }
    const client = this.sidecar.runningClient;
    if (!client) return undefined;
    const params = client.code2ProtocolConverter.asInlineCompletionParams(document, position, context);
    const started = Date.now();
    let result: LspItem[] | { items: LspItem[] } | null;
    try {
      this.requestsSent++;
      // Passing the token makes the client send $/cancelRequest when VS Code cancels.
      result = await client.sendRequest(InlineCompletionRequest.type, params, token);
    } catch (err) {
      if (!token.isCancellationRequested) this.output.warn(`Inline completion failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    if (token.isCancellationRequested) return undefined;
    this.debounce.recordLatency(Date.now() - started);
    const items = (Array.isArray(result) ? result : result?.items ?? [])
      .map((item) => this.toItem(document, position, item))
      .filter((i): i is vscode.InlineCompletionItem => i !== undefined);
    const first = items[0];
    if (first && typeof first.insertText === 'string' && first.range?.isEmpty) this.shown = rememberSuggestion(uri, read, cursor, first.insertText);
    return items;
  }

  /** An item anchored at the cursor (text before the cursor that the server repeated is stripped). */
  private toItem(document: vscode.TextDocument, position: vscode.Position, item: LspItem): vscode.InlineCompletionItem | undefined {
    const raw = typeof item.insertText === 'string' ? item.insertText : item.insertText.value;
    if (!raw) return undefined;
    let text: string | undefined = raw;
    let end = position;
    if (item.range) {
      const start = new vscode.Position(item.range.start.line, item.range.start.character);
      end = new vscode.Position(item.range.end.line, item.range.end.character);
      if (start.isBefore(position)) text = textFromCursor(raw, document.getText(new vscode.Range(start, position)));
      if (end.isBefore(position)) end = position;
    }
    if (!text) return undefined;
    return new vscode.InlineCompletionItem(text, new vscode.Range(position, end));
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
