// Edit commands (workspace/executeCommand): prompt → answer → WorkspaceEdit against the version the client saw.
// The edit is returned for the client to preview and apply; nothing is applied here.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CancellationToken, Connection, CreateFile, DeleteFile, ErrorCodes as LspErrorCodes, ExecuteCommandParams,
  LSPErrorCodes, ResponseError, TextDocumentEdit, WorkspaceEdit,
} from 'vscode-languageserver';
import type { Diagnostic, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Backend, BackendResult, ConstraintFactory } from '../backends/api';
import { applyModelAnswer, chooseFormat, editPrompt } from '../edit/index';
import type { ConcreteFormat, EditFormat, FileChange, SourceFile } from '../edit/index';
import { ConstraintError, FileSpans, searchReplaceConstraint, type LineRegion } from '../edit/constrained/index';
import { ChatTurn, Commands, EditCommandArgs, EditCommandResult, ErrorCodes, ExplainResult } from '../protocol';
import { buildChatMessages, explainMessages } from '../prompt/chat';
import type { BackendHost } from './backend-host';
import { runChat } from './chat';
import type { StatusReporter } from './status';
import { WorkDone } from './work-done';
import { Workspace } from './workspace';

const invalid = (message: string) => new ResponseError(LspErrorCodes.InvalidParams, message);

/** 1-based inclusive lines of a range; a range ending at column 0 of a later line does not include that line. */
export function rangeLines(range: Range): { startLine: number; endLine: number } {
  const start = range.start.line + 1;
  const endLine = range.end.character === 0 && range.end.line > range.start.line ? range.end.line : range.end.line + 1;
  return { startLine: start, endLine: Math.max(start, endLine) };
}

/** The instruction of a fix-diagnostics command: one line per problem, 1-based lines. */
export function diagnosticsInstruction(diagnostics: Diagnostic[], extra?: string): string {
  const lines = diagnostics.map((d) => `- line ${d.range.start.line + 1}: ${d.source ? `[${d.source}] ` : ''}${d.message}`);
  return `Fix these problems reported by the editor:\n${lines.join('\n')}${extra?.trim() ? `\n\n${extra.trim()}` : ''}`;
}

/** The smallest range covering all diagnostics, whole lines. */
function diagnosticsSpan(diagnostics: Diagnostic[]): Range {
  const start = Math.min(...diagnostics.map((d) => d.range.start.line));
  const end = Math.max(...diagnostics.map((d) => d.range.end.line));
  return { start: { line: start, character: 0 }, end: { line: end, character: Number.MAX_SAFE_INTEGER } };
}

function isRange(r: unknown): r is Range {
  const x = r as Range | undefined;
  return !!x && typeof x.start?.line === 'number' && typeof x.start?.character === 'number'
    && typeof x.end?.line === 'number' && typeof x.end?.character === 'number';
}

/** Checks the command arguments; errors name the field at fault. */
export function validateEditArgs(command: string, raw: unknown): EditCommandArgs {
  const args = raw as EditCommandArgs | undefined;
  if (!args || typeof args !== 'object') throw invalid(`${command}: arguments[0] must be an EditCommandArgs object`);
  if (typeof args.uri !== 'string') throw invalid(`${command}: 'uri' must be a string`);
  if (typeof args.version !== 'number') throw invalid(`${command}: 'version' must be the document version (a number)`);
  if (args.range !== undefined && !isRange(args.range)) throw invalid(`${command}: 'range' must be an LSP Range`);
  if (args.instruction !== undefined && typeof args.instruction !== 'string') throw invalid(`${command}: 'instruction' must be a string`);
  if ((command === Commands.editSelection || command === Commands.editFile) && !args.instruction?.trim()) {
    throw invalid(`${command}: 'instruction' is required`);
  }
  if (command === Commands.editSelection && !args.range) throw invalid(`${command}: 'range' is required`);
  if (command === Commands.fixDiagnostics && (!Array.isArray(args.diagnostics) || args.diagnostics.length === 0 || !args.diagnostics.every((d) => isRange(d?.range) && typeof d.message === 'string'))) {
    throw invalid(`${command}: 'diagnostics' must be a non-empty array of LSP Diagnostics`);
  }
  if (args.format !== undefined && !['auto', 'search-replace', 'udiff', 'whole'].includes(args.format)) {
    throw invalid(`${command}: 'format' must be 'auto', 'search-replace', 'udiff' or 'whole'`);
  }
  return args;
}

export class EditCommandsFeature {
  readonly commands: string[] = Object.values(Commands);

  constructor(
    private readonly connection: Connection,
    private readonly workspace: Workspace,
    private readonly host: BackendHost,
    private readonly status: StatusReporter,
  ) {}

  async execute(params: ExecuteCommandParams, token: CancellationToken): Promise<EditCommandResult | ExplainResult> {
    if (!this.commands.includes(params?.command)) throw invalid(`unknown command ${JSON.stringify(params?.command)}`);
    const args = validateEditArgs(params.command, params.arguments?.[0]);
    const doc = this.workspace.require(args.uri);
    this.assertVersion(doc.uri, args.version);
    const progress = new WorkDone(this.connection, params.workDoneToken ?? args.workDoneToken);
    if (params.command === Commands.explain) return this.explain(doc, args, token, progress);
    return this.edit(params.command, doc, args, token, progress);
  }

  /** Refuses when the synchronised document is not at the version the request was made for. */
  private assertVersion(uri: string, version: number): void {
    const now = this.workspace.documents.get(uri);
    if (!now) throw new ResponseError(ErrorCodes.DocumentChanged, `${uri} was closed`);
    if (now.version !== version) {
      throw new ResponseError(ErrorCodes.DocumentChanged, `${uri} is at version ${now.version}, the request was made for version ${version}`);
    }
  }

  /** Runs a chat generation with progress and cancellation; returns the answer. */
  private async generate(kind: 'edit' | 'explain', messages: ChatTurn[], args: EditCommandArgs, token: CancellationToken, progress: WorkDone, title: string, constraint?: ConstraintFactory): Promise<BackendResult> {
    progress.begin(title);
    let result: BackendResult;
    try {
      result = await runChat(this.host, this.status, kind, messages, token, {
        maxTokens: args.maxTokens,
        temperature: args.temperature,
        priority: 'edit',
        constraint,
        onText: (delta, text) => progress.report(delta, `${text.length} characters`),
      });
    } finally {
      progress.end();
    }
    if (result.stopReason === 'cancelled') throw new ResponseError(LSPErrorCodes.RequestCancelled, `${title}: cancelled`);
    return result;
  }

  private async explain(doc: TextDocument, args: EditCommandArgs, token: CancellationToken, progress: WorkDone): Promise<ExplainResult> {
    const lines = args.range ? rangeLines(args.range) : undefined;
    const text = args.range ? doc.getText({ start: { line: args.range.start.line, character: 0 }, end: { line: lines!.endLine, character: 0 } }) : doc.getText();
    const messages = explainMessages({
      path: this.workspace.displayPath(doc.uri), languageId: doc.languageId,
      lines: lines && { start: lines.startLine, end: lines.endLine }, text,
    });
    if (args.instruction?.trim()) messages[messages.length - 1].content += `\n\n${args.instruction.trim()}`;
    const result = await this.generate('explain', messages, args, token, progress, 'Explaining');
    return { uri: doc.uri, text: result.text };
  }

  private async edit(command: string, doc: TextDocument, args: EditCommandArgs, token: CancellationToken, progress: WorkDone): Promise<EditCommandResult> {
    const filePath = Workspace.fsPath(doc.uri);
    const onDisk = path.isAbsolute(filePath);
    const root = onDisk ? this.workspace.rootOf(filePath) : path.resolve('/untitled');
    const rel = onDisk ? path.relative(root, filePath) : path.basename(filePath.replace(/[:/\\]+/g, '_')) || 'untitled';
    const text = doc.getText();
    const target: SourceFile = { path: rel.split(path.sep).join('/'), text };
    const setting = args.format ?? this.host.settings.editFormat;

    let instruction = args.instruction ?? '';
    let range = args.range;
    if (command === Commands.fixDiagnostics) {
      instruction = diagnosticsInstruction(args.diagnostics!, args.instruction);
      range ??= diagnosticsSpan(args.diagnostics!);
    }
    const selection = command === Commands.editFile || !range ? undefined : rangeLines(range);
    // fix without a range may touch lines beyond the diagnostics (an import); an explicit range bounds the edit
    const region = command === Commands.editSelection || (command === Commands.fixDiagnostics && args.range) ? selection : undefined;
    const constraint = constrainedEdit(this.host.require(), this.host.settings.constrainedEdits, setting, target, region);
    const format: ConcreteFormat = constraint ? 'search-replace' : setting === 'auto' ? chooseFormat(text) : setting;
    const prompt = editPrompt(format, target, instruction, selection) + (constraint ? constrainedNote(region) : '');
    const result = await this.generate('edit', buildChatMessages([{ role: 'user', content: prompt }]), args, token, progress, 'Editing', constraint);

    // other open documents of the same root are known by their editor text, so edits to them are versioned too
    const openFiles = new Map<string, TextDocument>();
    for (const d of this.workspace.documents.all()) {
      const p = Workspace.fsPath(d.uri);
      if (d.uri !== doc.uri && path.isAbsolute(p) && onDisk && this.workspace.rootOf(p) === root) openFiles.set(path.resolve(p), d);
    }
    const files: SourceFile[] = [target, ...[...openFiles].map(([p, d]) => ({ path: path.relative(root, p), text: d.getText() }))];
    const applied = applyModelAnswer(result.text, files, { format, root, defaultPath: target.path });
    if (!applied.ok) {
      const where = [applied.path && `in ${applied.path}`, applied.block && `block ${applied.block}`].filter(Boolean).join(', ');
      throw new ResponseError(ErrorCodes.EditFailed, `could not apply the model's ${format} answer${where ? ` (${where})` : ''}: ${applied.error}`,
        { answer: result.text, closest: applied.closest });
    }
    // the answer took time: the document must still be exactly what the edit was computed against
    this.assertVersion(doc.uri, args.version);
    const targetAbs = path.resolve(root, target.path);
    const edit = toWorkspaceEdit(applied.changes, (abs) => {
      if (abs === targetAbs) return { uri: doc.uri, version: args.version };
      const open = openFiles.get(abs);
      return { uri: open?.uri ?? pathToFileURL(abs).toString(), version: open ? open.version : null };
    });
    return { uri: doc.uri, version: args.version, edit, format: applied.format, answer: result.text };
  }
}

/** Tells the model what the grammar will hold it to (no path line, no fence; SEARCH inside the region). */
export function constrainedNote(region?: LineRegion): string {
  const where = region ? ` Quote only lines ${region.startLine}-${region.endLine} in SEARCH parts.` : '';
  return `\n\nWrite only the SEARCH/REPLACE blocks: no file path line, no code fence, nothing after the last block.${where}`;
}

/** Blocks one constrained answer may hold. */
export const CONSTRAINED_MAX_BLOCKS = 4;

/**
 * The grammar of a SEARCH/REPLACE answer that can only quote unique runs of `target` (inside `region`), when the
 * backend can decode under one and the settings ask for it; undefined otherwise (also when nothing in the region
 * can be quoted uniquely: the request then runs unconstrained).
 */
export function constrainedEdit(backend: Backend, enabled: boolean, format: EditFormat, target: SourceFile, region?: LineRegion): ConstraintFactory | undefined {
  if (!enabled || backend.kind !== 'local' || (format !== 'auto' && format !== 'search-replace')) return undefined;
  let spans: FileSpans;
  try {
    spans = new FileSpans(target.text, target.path, region);
  } catch (err) {
    if (err instanceof ConstraintError) return undefined;
    throw err;
  }
  const quotable = spans.last - spans.first + 1;
  // room for a rewrite a few times longer than what it replaces
  const maxReplaceLines = Math.min(2000, Math.max(40, 4 * quotable));
  return (tokenizer, maxTokens) => searchReplaceConstraint(tokenizer, spans, { maxTokens, maxBlocks: CONSTRAINED_MAX_BLOCKS, maxReplaceLines });
}

/** File changes as a WorkspaceEdit; `identify` gives each absolute path its URI and version (null: not open). */
export function toWorkspaceEdit(changes: FileChange[], identify: (abs: string) => { uri: string; version: number | null }): WorkspaceEdit {
  const documentChanges: WorkspaceEdit['documentChanges'] = [];
  for (const c of changes) {
    const { uri, version } = identify(path.resolve(c.path));
    if (c.kind === 'delete') {
      documentChanges.push(DeleteFile.create(uri, { ignoreIfNotExists: true }));
      continue;
    }
    if (c.kind === 'create') documentChanges.push(CreateFile.create(uri, { ignoreIfExists: false }));
    documentChanges.push(TextDocumentEdit.create({ uri, version: c.kind === 'create' ? null : version }, c.edits));
  }
  return { documentChanges };
}
