// Follows the active editor and selection and keeps the attached context item (one chip) up to date.
import * as vscode from 'vscode';
import type { ChatContextItem } from './types';
import type { ContextChip } from './messages';
import { chipFor, contextItemFor, type EditorSnapshot } from './contextItem';

/** Editors that are not user documents (output panel, debug console input, …). */
const IGNORED_SCHEMES = new Set(['output', 'debug', 'vscode-terminal', 'comment']);

export class ContextTracker implements vscode.Disposable {
  private item: ChatContextItem | undefined;
  private dismissed: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly onChange: () => void) {
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule()),
      vscode.window.onDidChangeTextEditorSelection(() => this.schedule()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) this.schedule();
      }),
    );
    this.refresh(false);
  }

  /** The context sent with the next message (empty when removed or no editor is open). */
  items(): ChatContextItem[] {
    return this.item && chipFor(this.item).id !== this.dismissed ? [this.item] : [];
  }

  chips(): ContextChip[] {
    return this.items().map(chipFor);
  }

  /** Drops the chip until the selection or file changes. */
  remove(id: string): void {
    if (this.item && chipFor(this.item).id === id) {
      this.dismissed = id;
      this.onChange();
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.subscriptions) d.dispose();
  }

  // Selection events come per keystroke/drag: recompute once they pause.
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(true), 150);
  }

  private refresh(notify: boolean): void {
    this.timer = undefined;
    const editor = vscode.window.activeTextEditor;
    if (editor && IGNORED_SCHEMES.has(editor.document.uri.scheme)) return;
    const next = editor ? contextItemFor(snapshotOf(editor)) : undefined;
    const before = this.item ? chipFor(this.item).id : undefined;
    const after = next ? chipFor(next).id : undefined;
    this.item = next;
    if (after !== this.dismissed) this.dismissed = undefined;
    if (notify && before !== after) this.onChange();
  }
}

/** The editor's document and selection as contextItemFor takes them (also used by "Explain selection"). */
export function snapshotOf(editor: vscode.TextEditor): EditorSnapshot {
  const doc = editor.document;
  const sel = editor.selection;
  // A selection ending at column 0 does not really include that last line.
  const endLine = sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line - 1 : sel.end.line;
  return {
    uri: doc.uri.toString(),
    fileName: doc.fileName,
    languageId: doc.languageId,
    fullText: doc.getText(),
    selection: sel.isEmpty ? undefined : { startLine: sel.start.line, endLine, text: doc.getText(sel) },
  };
}
