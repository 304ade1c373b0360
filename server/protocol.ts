// The sidecar's custom LSP surface, declared once and imported by both the extension and the server.
// Standard LSP methods (textDocument/inlineCompletion, workspace/executeCommand, $/progress,
// $/cancelRequest, workspace/didChangeConfiguration) are used as-is; see server/PROTOCOL.md.
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { Diagnostic, Range, WorkspaceEdit } from 'vscode-languageserver-protocol';

/** Bumped on incompatible changes; the server reports it in InitializeResult.serverInfo.version's suffix and in status. */
export const PROTOCOL_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// Configuration

export type BackendKind = 'local' | 'openai';
export type EditFormatSetting = 'auto' | 'search-replace' | 'udiff' | 'whole';

/** Everything the server can be configured with. All fields optional: missing ones keep their current value. */
export interface DeepSeekSettings {
  backend?: BackendKind;
  /** local: folder with config.json, *.safetensors, tokenizer.json. */
  modelDir?: string;
  /** openai: base URL, e.g. "https://api.deepseek.com/v1" or "http://127.0.0.1:8000/v1". */
  endpoint?: string;
  /** openai: model name sent in requests (e.g. "deepseek-chat"); local: ignored. */
  model?: string;
  /** openai: API key (the extension reads it from SecretStorage; never from settings files). */
  apiKey?: string;
  /** Cap on generated tokens for chat and edits. */
  maxTokens?: number;
  /** Sampling temperature for chat/edits (completions are always greedy). */
  temperature?: number;
  editFormat?: EditFormatSetting;
  /**
   * local: decode edit answers under a grammar, so every answer is a SEARCH/REPLACE block quoting a unique run of
   * the file (inside the selection for editSelection) and always applies. Used when the edit format is 'auto' or
   * 'search-replace'; ignored by the openai backend. Default true.
   */
  constrainedEdits?: boolean;
  /** local: compute threads. */
  threads?: number;
  /** local: compute device. */
  device?: 'cpu' | 'cuda';
  completion?: {
    enabled?: boolean;
    /** Client-side debounce (ms) the extension applies before sending textDocument/inlineCompletion. */
    debounceMs?: number;
    /** Max generated tokens of one inline completion. */
    maxTokens?: number;
    /** Token budget of the FIM prompt (prefix + suffix + snippets). */
    contextTokens?: number;
  };
}

/** Sent as InitializeParams.initializationOptions. */
export interface InitializationOptions {
  settings: DeepSeekSettings;
}

/**
 * Client → server: replace/merge configuration (preferred over workspace/didChangeConfiguration because it
 * can carry the API key). A change of backend, modelDir, endpoint, threads or device reloads the backend.
 * The server also accepts workspace/didChangeConfiguration with `settings: { deepseekLocal: DeepSeekSettings }`
 * (or `settings: DeepSeekSettings`).
 */
export const ConfigureNotification = new NotificationType<DeepSeekSettings>('deepseek/configure');

// ---------------------------------------------------------------------------------------------
// Status

export type ServerState = 'unconfigured' | 'loading' | 'ready' | 'busy' | 'error';

export interface StatusParams {
  state: ServerState;
  backend?: BackendKind;
  /** Model folder (local) or model name (openai). */
  model?: string;
  /** state 'loading': weights read so far / total. */
  loadedBytes?: number;
  totalBytes?: number;
  /** state 'error': what went wrong; otherwise an optional human-readable detail. */
  message?: string;
  /** Decode speed of the last finished generation. */
  tokensPerSecond?: number;
  /** Requests waiting for or holding the model. */
  pending?: number;
  /** Timing of the last finished generation (sent with state 'ready'/'busy' after each request). */
  lastRequest?: RequestTiming;
}

export interface RequestTiming {
  kind: 'completion' | 'chat' | 'edit' | 'explain';
  /** Request received → first generated token (ms); undefined when nothing was generated. */
  firstTokenMs?: number;
  /** Request received → answer ready (ms). */
  totalMs: number;
  promptTokens: number;
  /** Prompt tokens served from the engine's prefix cache (local backend). */
  reusedTokens?: number;
  completionTokens: number;
  stopReason: 'eos' | 'length' | 'stop' | 'cancelled';
}

/** Server → client: sent on every state change and after each generation (with tokensPerSecond). */
export const StatusNotification = new NotificationType<StatusParams>('deepseek/status');

/** Client → server: current status (e.g. right after the status bar item is created). */
export const GetStatusRequest = new RequestType0<StatusParams, void>('deepseek/getStatus');

// ---------------------------------------------------------------------------------------------
// Chat

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Code the user attached to the question. `text` may be omitted when the server has the document open. */
export interface ChatContext {
  uri: string;
  languageId?: string;
  /** Restricts the context to this range of the document. */
  range?: Range;
  text?: string;
}

export interface ChatParams {
  messages: ChatTurn[];
  context?: ChatContext[];
  maxTokens?: number;
  temperature?: number;
  /** Standard LSP partial-result token: the answer streams as `$/progress { token, value: ChatPartial }`. */
  partialResultToken?: string | number;
  workDoneToken?: string | number;
}

/** Value of each `$/progress` notification for a chat's partialResultToken. */
export interface ChatPartial {
  /** Text appended to the answer since the previous partial. */
  delta: string;
}

export interface ChatResult {
  /** The full answer (all deltas concatenated). */
  text: string;
  stopReason: 'eos' | 'length' | 'stop' | 'cancelled';
  usage?: { promptTokens: number; completionTokens: number };
}

/** Client → server; cancel with $/cancelRequest (the partial text so far is then returned with stopReason 'cancelled'). */
export const ChatRequest = new RequestType<ChatParams, ChatResult, void>('deepseek/chat');

// ---------------------------------------------------------------------------------------------
// Edits and explanations: workspace/executeCommand with `arguments: [EditCommandArgs]`

export const Commands = {
  /** Rewrite `range` of the document following `instruction`. */
  editSelection: 'deepseek.editSelection',
  /** Rewrite the whole document following `instruction`. */
  editFile: 'deepseek.editFile',
  /** Fix `diagnostics` (default: the range's/document's diagnostics the client sends). */
  fixDiagnostics: 'deepseek.fixDiagnostics',
  /** Explain `range` (or the document); returns ExplainResult, no edit. */
  explain: 'deepseek.explain',
} as const;
export type CommandName = (typeof Commands)[keyof typeof Commands];

export interface EditCommandArgs {
  uri: string;
  /** The document version the client saw; the edit is made against exactly this version. */
  version: number;
  /** What to do (optional for fixDiagnostics/explain). */
  instruction?: string;
  /** editSelection/fixDiagnostics/explain: the part of the document concerned. */
  range?: Range;
  /** fixDiagnostics: the problems to fix. */
  diagnostics?: Diagnostic[];
  /** Overrides the configured edit format. */
  format?: EditFormatSetting;
  maxTokens?: number;
  temperature?: number;
  /** Standard work-done token: progress (`begin`/`report` with message = text so far/`end`) is streamed. */
  workDoneToken?: string | number;
}

export interface EditCommandResult {
  uri: string;
  /** The version the edit applies to; the client must refuse it if the document is no longer at this version. */
  version: number;
  /** Edits against `version` (a TextDocumentEdit with this version, so the client can apply it safely). */
  edit: WorkspaceEdit;
  /** Edit format the model answered in. */
  format: Exclude<EditFormatSetting, 'auto'>;
  /** The model's raw answer (for display/debugging). */
  answer: string;
}

export interface ExplainResult {
  uri: string;
  text: string;
}

/** Value of `$/progress` `report` notifications for an edit/explain workDoneToken (besides `message`). */
export interface EditProgressReport {
  kind: 'report';
  message?: string;
  /** Text generated since the previous report. */
  delta?: string;
}

/** JSON-RPC error codes of the custom methods (besides the standard ones). */
export const ErrorCodes = {
  /** No backend configured or it failed to load. */
  NotReady: -32001,
  /** The document changed after the version the request was made for. */
  DocumentChanged: -32002,
  /** The model's answer could not be turned into an edit. */
  EditFailed: -32003,
  /** The backend failed (HTTP error, engine error). */
  BackendFailed: -32004,
} as const;
