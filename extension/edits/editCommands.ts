// "Edit selection…", "Edit file…", "Fix" and chat's "Apply to file": ask the sidecar for an edit (progress
// notification with Cancel), then hand it to the diff preview.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import { Commands, type CommandName, type EditCommandArgs, type EditCommandResult, type EditProgressReport } from '../../server/protocol';
import type { Sidecar } from '../sidecar/sidecar';
import { describeEditFailure } from './editErrors';
import type { EditPreview, ProposalInfo } from './editPreview';
import { editsForDocument, otherDocuments } from './textEdits';

/** Optional arguments of the edit commands (tests and other callers skip the input box with them). */
export interface EditCommandOptions {
  instruction?: string;
  /** Document to edit (default: the active editor's). */
  uri?: string;
  /** 0-based range (default: the editor's selection, or the cursor's line when empty). */
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** What the commands return once the diff is shown (JSON-safe: the outcome promise stays inside). */
export type ProposalSummary = Omit<ProposalInfo, 'outcome'>;

/** Edit arguments before the document's uri/version are filled in; the range may still be a vscode.Range. */
export type EditRequestArgs = Omit<EditCommandArgs, 'uri' | 'version' | 'range' | 'workDoneToken'> & { range?: vscode.Range | EditCommandArgs['range'] };

let progressCounter = 0;

export class EditCommands {
  constructor(private readonly sidecar: Sidecar, private readonly preview: EditPreview,
              private readonly output: vscode.LogOutputChannel) {}

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand('deepseekLocal.editSelection', (o?: EditCommandOptions) => this.editSelection(o)),
      vscode.commands.registerCommand('deepseekLocal.editFile', (o?: EditCommandOptions) => this.editFile(o)),
      vscode.commands.registerCommand('deepseekLocal.fix', (o?: EditCommandOptions) => this.fix(o)),
      vscode.commands.registerCommand('deepseekLocal.acceptEdit', () => this.preview.accept()),
      vscode.commands.registerCommand('deepseekLocal.rejectEdit', () => this.preview.reject()),
    ];
  }

  async editSelection(o: EditCommandOptions = {}): Promise<ProposalSummary | undefined> {
    const target = await this.target(o);
    if (!target) return undefined;
    const instruction = o.instruction ?? await vscode.window.showInputBox({
      title: 'DeepSeek: Edit selection', prompt: 'How should the selected code change?', placeHolder: 'e.g. add error handling',
      ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'Describe the change'),
    });
    if (!instruction?.trim()) return undefined;
    return this.run(Commands.editSelection, target.document, { instruction, range: target.range }, instruction);
  }

  async editFile(o: EditCommandOptions = {}): Promise<ProposalSummary | undefined> {
    const target = await this.target(o);
    if (!target) return undefined;
    const instruction = o.instruction ?? await vscode.window.showInputBox({
      title: `DeepSeek: Edit ${path.basename(target.document.fileName)}`, prompt: 'How should this file change?',
      ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'Describe the change'),
    });
    if (!instruction?.trim()) return undefined;
    return this.run(Commands.editFile, target.document, { instruction }, instruction);
  }

  /** Sends the diagnostics at the cursor (or in o.range) to the sidecar's fixDiagnostics. */
  async fix(o: EditCommandOptions = {}): Promise<ProposalSummary | undefined> {
    const target = await this.target(o);
    if (!target) return undefined;
    const request = fixRequest(target.document, target.range);
    if (!request) {
      void vscode.window.showInformationMessage('DeepSeek: no problems at the cursor to fix.');
      return undefined;
    }
    const client = await this.client();
    if (!client) return undefined;
    const diagnostics = await client.code2ProtocolConverter.asDiagnostics(request.diagnostics);
    const n = diagnostics.length;
    return this.run(Commands.fixDiagnostics, target.document, { range: request.range, diagnostics }, `fix ${n} problem${n === 1 ? '' : 's'}`);
  }

  /** Chat's "Apply to file": replaces the selection directly, or lets the model merge the block into the file. */
  async applyCodeBlock(code: string, languageId: string | undefined): Promise<void> {
    const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
    if (!editor) {
      void vscode.window.showWarningMessage('DeepSeek: open the file to apply the code block to first.');
      return;
    }
    const { document, selection } = editor;
    if (!selection.isEmpty) {
      const version = document.version;
      const edits = [{ range: toLspRange(selection), newText: code }];
      try {
        await this.preview.propose(document, version, edits, 'apply code block');
      } catch (err) {
        void vscode.window.showWarningMessage(err instanceof Error ? err.message : String(err));
      }
      return;
    }
    const fence = '```';
    const instruction = `Apply this ${languageId ?? ''} code block to the file, merging it in where it belongs and keeping everything else:\n${fence}${languageId ?? ''}\n${code}\n${fence}`;
    await this.run(Commands.editFile, document, { instruction }, 'apply code block');
  }

  /** Document and range the command works on. */
  private async target(o: EditCommandOptions): Promise<{ document: vscode.TextDocument; range: vscode.Range } | undefined> {
    const editor = vscode.window.activeTextEditor;
    let document: vscode.TextDocument | undefined;
    if (o.uri) {
      document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === o.uri) ?? await vscode.workspace.openTextDocument(vscode.Uri.parse(o.uri));
    } else {
      document = editor?.document;
    }
    if (!document) {
      void vscode.window.showWarningMessage('DeepSeek: open a file first.');
      return undefined;
    }
    let range: vscode.Range;
    if (o.range) range = new vscode.Range(o.range.start.line, o.range.start.character, o.range.end.line, o.range.end.character);
    else if (editor && editor.document === document) range = editor.selection;
    else range = new vscode.Range(0, 0, 0, 0);
    if (range.isEmpty) range = document.lineAt(range.start.line).range;
    return { document, range: document.validateRange(range) };
  }

  private async client(): Promise<LanguageClient | undefined> {
    const client = this.sidecar.runningClient;
    if (!client) {
      const choice = await vscode.window.showErrorMessage('DeepSeek: the sidecar is not running.', 'Restart', 'Show log');
      if (choice) void vscode.commands.executeCommand(choice === 'Restart' ? 'deepseekLocal.restartSidecar' : 'deepseekLocal.showLog');
    }
    return client;
  }

  /** Runs one sidecar edit command with a cancellable progress notification, then shows the preview. */
  private async run(command: CommandName, document: vscode.TextDocument, args: EditRequestArgs,
                    label: string): Promise<ProposalSummary | undefined> {
    if (!await this.client()) return undefined;
    const name = path.basename(document.fileName);
    let result: EditCommandResult;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `DeepSeek: editing ${name}`, cancellable: true },
        (progress, token) => {
          let generated = 0;
          return this.requestEdit(command, document, args, token, (delta, message) => {
            generated += delta.length;
            progress.report({ message: generated ? `${generated} characters written…` : message });
          });
        });
    } catch (err) {
      const failure = describeEditFailure(err, name);
      if (failure.message) {
        this.output.error(failure.message);
        void vscode.window.showErrorMessage(failure.message, ...(failure.offerSelectModel ? ['Select model'] : []), 'Show log').then((choice) => {
          if (choice) void vscode.commands.executeCommand(choice === 'Select model' ? 'deepseekLocal.selectModel' : 'deepseekLocal.showLog');
        });
      }
      return undefined;
    }
    const proposal = await this.showProposal(document, result, label);
    if (!proposal) return undefined;
    const { outcome, ...summary } = proposal;
    void outcome.then((o) => this.output.info(`Edit of ${name}: ${o}.`));
    return summary;
  }

  /** One workspace/executeCommand to the sidecar for the document as it is now; rejects with its ResponseError. */
  async requestEdit(command: CommandName, document: vscode.TextDocument, args: EditRequestArgs,
                    token?: vscode.CancellationToken, onProgress?: (delta: string, message?: string) => void): Promise<EditCommandResult> {
    const client = this.sidecar.runningClient;
    if (!client) throw new Error('the DeepSeek sidecar is not running');
    const workDoneToken = `deepseek-edit-${process.pid}-${++progressCounter}`;
    const sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
      if (value.kind === 'report') onProgress?.((value as EditProgressReport).delta ?? '', value.message);
    });
    try {
      const range = args.range instanceof vscode.Range ? client.code2ProtocolConverter.asRange(args.range) : args.range;
      const commandArgs: EditCommandArgs = { ...args, range, uri: client.code2ProtocolConverter.asUri(document.uri), version: document.version, workDoneToken };
      // The token makes VS Code's Cancel reach the server as $/cancelRequest.
      return await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [commandArgs] }, token) as EditCommandResult;
    } finally {
      sub.dispose();
    }
  }

  /** Opens the diff for a sidecar result; undefined (and the user is told) when there is nothing to show. */
  async showProposal(document: vscode.TextDocument, result: EditCommandResult, label: string): Promise<ProposalInfo | undefined> {
    const name = path.basename(document.fileName);
    this.output.info(`Edit of ${name} (${result.format}) proposed against version ${result.version}.`);
    const others = otherDocuments(result.edit, result.uri);
    if (others.length) this.output.warn(`Ignoring parts of the edit that touch other files: ${others.join(', ')}`);
    const edits = editsForDocument(result.edit, result.uri);
    if (!edits.length) {
      void vscode.window.showInformationMessage(`DeepSeek proposed no change to ${name}.`);
      return undefined;
    }
    try {
      return await this.preview.propose(document, result.version, edits, label);
    } catch (err) {
      void vscode.window.showWarningMessage(err instanceof Error ? err.message : String(err));
      return undefined;
    }
  }
}

/** The problems touching `range` (or its line), and the whole lines they span: the model sees complete statements. */
export function fixRequest(document: vscode.TextDocument, range: vscode.Range): { range: vscode.Range; diagnostics: vscode.Diagnostic[] } | undefined {
  const diagnostics = vscode.languages.getDiagnostics(document.uri)
    .filter((d) => d.range.intersection(range) !== undefined || d.range.start.line === range.start.line);
  if (!diagnostics.length) return undefined;
  const first = Math.min(...diagnostics.map((d) => d.range.start.line));
  const last = Math.max(...diagnostics.map((d) => d.range.end.line));
  return { range: new vscode.Range(first, 0, last, document.lineAt(last).text.length), diagnostics };
}

function toLspRange(r: vscode.Range) {
  return { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } };
}
