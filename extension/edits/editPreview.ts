// Shows a proposed edit as a diff (original ↔ virtual proposed document) and applies it on Accept as ONE
// WorkspaceEdit, only if the document is still at the version the edit was made for.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TextEdit } from 'vscode-languageserver-protocol';
import { applyTextEdits } from './textEdits';

export const PROPOSED_SCHEME = 'deepseek-proposed';
/** Context key that shows the Accept/Reject buttons in the diff editor's title bar. */
const PENDING_CONTEXT = 'deepseekLocal.editPending';

export type EditOutcome = 'accepted' | 'rejected' | 'stale' | 'declined' | 'none';

interface PendingEdit {
  document: vscode.TextDocument;
  version: number;
  edits: TextEdit[];
  proposedUri: vscode.Uri;
  settle: (outcome: EditOutcome) => void;
}

/** What a proposal shows; returned to callers (and tests) once the diff is open. */
export interface ProposalInfo {
  uri: string;
  version: number;
  proposedUri: string;
  proposedText: string;
  /** Settles when the user accepts, rejects, or the proposal is replaced. */
  outcome: Promise<EditOutcome>;
}

export class EditPreview implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private pending: PendingEdit | undefined;
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Opens the diff and asks Accept / Reject; the edit is made against `version` of `document`. */
  async propose(document: vscode.TextDocument, version: number, edits: TextEdit[], label: string): Promise<ProposalInfo> {
    if (document.version !== version) throw new Error(`${path.basename(document.uri.fsPath)} changed while the edit was being made; nothing was changed.`);
    // One proposal at a time: a new one replaces (rejects) the previous.
    const previous = this.pending;
    if (previous) await this.finish(previous, 'rejected');
    const proposedText = applyTextEdits(document.getText(), edits);
    // Same path (so the diff gets the file's language), a unique query per proposal.
    const proposedUri = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: document.uri.path, query: `proposal=${++this.counter}` });
    this.contents.set(proposedUri.toString(), proposedText);
    let settle!: (o: EditOutcome) => void;
    const outcome = new Promise<EditOutcome>((resolve) => { settle = resolve; });
    this.pending = { document, version, edits, proposedUri, settle };
    await vscode.commands.executeCommand('setContext', PENDING_CONTEXT, true);
    const name = path.basename(document.uri.fsPath || document.uri.path);
    await vscode.commands.executeCommand('vscode.diff', document.uri, proposedUri, `${name} ↔ DeepSeek: ${label}`, { preview: true });
    // A progress notification (not a message with buttons) so that it closes by itself however the proposal
    // ends: Accept/Reject in the diff's title bar, the commands, or a newer proposal. Its Cancel rejects.
    void vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification,
      title: `DeepSeek proposes an edit to ${name}: Accept (✓) or Reject in the diff's title bar.`,
      cancellable: true,
    }, (_progress, token) => {
      token.onCancellationRequested(() => { if (this.pending?.proposedUri === proposedUri) void this.reject(); });
      return outcome;
    });
    return { uri: document.uri.toString(), version, proposedUri: proposedUri.toString(), proposedText, outcome };
  }

  /** The proposal waiting for a decision, if any. */
  get current(): { uri: string; version: number; proposedUri: string } | undefined {
    const p = this.pending;
    return p && { uri: p.document.uri.toString(), version: p.version, proposedUri: p.proposedUri.toString() };
  }

  /** Applies the pending edit as one undo step, unless the document moved on or the user declines. */
  async accept(): Promise<EditOutcome> {
    const p = this.pending;
    if (!p) return 'none';
    if (!vscode.workspace.isTrusted) {
      const ok = await vscode.window.showWarningMessage(
        'This workspace is not trusted. Apply the edit proposed by the model?', { modal: true }, 'Apply');
      // Declining keeps the proposal open: the user can still Reject it or Accept again.
      if (ok !== 'Apply') return 'declined';
      if (this.pending !== p) return 'none';
    }
    const name = path.basename(p.document.uri.fsPath || p.document.uri.path);
    if (p.document.isClosed || p.document.version !== p.version) {
      void vscode.window.showWarningMessage(`${name} changed after the edit was proposed; nothing was overwritten. Run the edit again.`);
      return this.finish(p, 'stale');
    }
    const edit = new vscode.WorkspaceEdit();
    for (const e of p.edits) {
      edit.replace(p.document.uri, new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
    }
    const applied = await vscode.workspace.applyEdit(edit);
    if (!applied) {
      void vscode.window.showErrorMessage(`VS Code refused to apply the edit to ${name}; nothing was changed.`);
      return this.finish(p, 'stale');
    }
    return this.finish(p, 'accepted');
  }

  async reject(): Promise<EditOutcome> {
    const p = this.pending;
    return p ? this.finish(p, 'rejected') : 'none';
  }

  private async finish(p: PendingEdit, outcome: EditOutcome): Promise<EditOutcome> {
    if (this.pending === p) this.settle(outcome);
    await closeDiffTabs(p.proposedUri);
    return outcome;
  }

  private settle(outcome: EditOutcome): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    this.contents.delete(p.proposedUri.toString());
    void vscode.commands.executeCommand('setContext', PENDING_CONTEXT, false);
    p.settle(outcome);
  }

  dispose(): void {
    this.settle('rejected');
    this.changed.dispose();
  }
}

/** Closes the diff editors showing a proposal (after Accept/Reject they would show a stale document). */
async function closeDiffTabs(proposedUri: vscode.Uri): Promise<void> {
  const key = proposedUri.toString();
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) =>
    t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === key);
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}
