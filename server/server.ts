// The sidecar's composition root: an LSP connection wired to the backend host and one feature per capability.
// Run directly (dist/server.js --stdio) or through `deepseek-local lsp --stdio`.
import {
  createConnection, DidChangeConfigurationNotification, ErrorCodes as LspErrorCodes, ExecuteCommandRequest, InitializeResult,
  InlineCompletionRequest, MessageType, ProposedFeatures, ShowMessageNotification, ResponseError, StreamMessageReader, StreamMessageWriter,
  TextDocuments, TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ChatRequest, ConfigureNotification, DeepSeekSettings, GetStatusRequest, InitializationOptions, PROTOCOL_VERSION } from './protocol';
import { BackendHost } from './lsp/backend-host';
import { ChatFeature } from './lsp/chat';
import { InlineCompletionFeature } from './lsp/completion';
import { EditCommandsFeature } from './lsp/edits';
import { validateSettings } from './lsp/settings';
import { StatusReporter } from './lsp/status';
import { Workspace } from './lsp/workspace';

export interface ServerOptions {
  /** Settings applied over whatever the client sends (e.g. `lsp --model DIR` from the command line). */
  overrides?: DeepSeekSettings;
}

/** Turns any thrown value into a JSON-RPC error (never a crash of the connection). */
function asResponseError(err: unknown): ResponseError<unknown> {
  if (err instanceof ResponseError) return err;
  return new ResponseError(LspErrorCodes.InternalError, err instanceof Error ? err.message : String(err));
}

/** Wraps a handler so that synchronous throws and rejections both become JSON-RPC errors. */
function guarded<A extends unknown[], R>(fn: (...args: A) => Promise<R> | R): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      throw asResponseError(err);
    }
  };
}

/** Wires everything onto `connection` and starts listening. */
export function startLspServer(connection: ProposedFeatures.Connection, opts: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace(documents);
  const status = new StatusReporter(connection);
  const log = (msg: string) => connection.console.log(msg);
  let dynamicInline = false;
  let registered = false;

  const registerInline = () => {
    if (!dynamicInline || registered) return;
    registered = true;
    connection.client.register(InlineCompletionRequest.type, { documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }] })
      .catch((err: unknown) => log(`could not register inline completions: ${err instanceof Error ? err.message : String(err)}`));
  };
  const host = new BackendHost(status, registerInline, log);
  const completion = new InlineCompletionFeature(workspace, host, status);
  const chat = new ChatFeature(connection, workspace, host, status);
  const edits = new EditCommandsFeature(connection, workspace, host, status);

  /** Applies a settings update from the client; a bad one is reported, the old settings stay. */
  const configure = (raw: unknown, source: string) => {
    try {
      host.configure({ ...validateSettings(raw), ...opts.overrides });
    } catch (err) {
      const msg = `${source}: ${err instanceof Error ? err.message : String(err)}`;
      log(msg);
      // a notification, not showErrorMessage's request: there is nothing to answer
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message: `DeepSeek: ${msg}` });
    }
  };
  let initialSettings: unknown;

  connection.onInitialize((params): InitializeResult => {
    workspace.roots = (params.workspaceFolders ?? []).map((f) => Workspace.fsPath(f.uri)).filter((p) => p.startsWith('/') || /^[A-Za-z]:/.test(p));
    if (!workspace.roots.length && params.rootUri) workspace.roots = [Workspace.fsPath(params.rootUri)];
    const init = params.initializationOptions as InitializationOptions | undefined;
    initialSettings = init?.settings ?? {};
    const caps = params.capabilities.textDocument as { inlineCompletion?: { dynamicRegistration?: boolean } } | undefined;
    dynamicInline = caps?.inlineCompletion?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        executeCommandProvider: { commands: edits.commands },
        // announced statically only when the client cannot take a registration later
        ...(dynamicInline ? {} : { inlineCompletionProvider: true }),
      },
      serverInfo: { name: 'deepseek-local', version: `0.1.0+protocol.${PROTOCOL_VERSION}` },
    };
  });

  connection.onInitialized(() => {
    configure(initialSettings, 'initializationOptions');
    if (!host.current && host.settings.backend && status.status.state === 'unconfigured') log('no model configured yet: waiting for deepseek/configure');
  });

  connection.onNotification(ConfigureNotification, (s) => configure(s, 'deepseek/configure'));
  connection.onNotification(DidChangeConfigurationNotification.type, (p) => {
    const settings = p?.settings as Record<string, unknown> | undefined;
    configure(settings && 'deepseekLocal' in settings ? settings.deepseekLocal : settings, 'workspace/didChangeConfiguration');
  });
  connection.onRequest(GetStatusRequest, () => status.status);
  connection.languages.inlineCompletion.on(guarded((params, token) => completion.provide(params, token)));
  connection.onRequest(ChatRequest, guarded((params, token) => chat.handle(params, token)));
  // plain onRequest: onExecuteCommand would strip workDoneToken, and our progress reports carry text deltas
  connection.onRequest(ExecuteCommandRequest.type, guarded((params, token) => edits.execute(params, token)));
  connection.onShutdown(() => host.dispose());

  documents.listen(connection);
  connection.listen();
}

/** Standalone entry: LSP over this process's stdin/stdout. */
export function runStdioServer(opts: ServerOptions = {}): void {
  // stdout carries the protocol: anything else printed there would corrupt it
  console.log = console.error;
  console.info = console.error;
  const reader = new StreamMessageReader(process.stdin);
  const writer = new StreamMessageWriter(process.stdout);
  // unparsable input: JSON-RPC's Parse error (id null) instead of silence; the stream goes on with the next message
  reader.onError((err) => {
    void writer.write({ jsonrpc: '2.0', id: null, error: { code: LspErrorCodes.ParseError, message: `invalid JSON-RPC message: ${err.message}` } } as never).catch(() => undefined);
  });
  const connection = createConnection(ProposedFeatures.all, reader, writer);
  startLspServer(connection, opts);
  // the client went away without `exit` (crashed, killed): do not linger holding the model
  reader.onClose(() => process.exit(1));
}

// Started as its own program (dist/server.js); not when bundled into the CLI, which calls runStdioServer itself.
if (/[\\/]server\.(c?js|ts)$/.test(process.argv[1] ?? '')) runStdioServer();
