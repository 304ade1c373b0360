// deepseek/chat: the conversation plus attached code, answered as a stream of $/progress partial results.
import { CancellationToken, Connection, ErrorCodes as LspErrorCodes, ProgressType, ResponseError } from 'vscode-languageserver';
import type { BackendResult, GenerateOptions } from '../backends/api';
import { BackendError } from '../backends/api';
import { ChatParams, ChatPartial, ChatResult, ChatTurn, ErrorCodes, RequestTiming } from '../protocol';
import { AttachedCode, buildChatMessages } from '../prompt/chat';
import type { BackendHost } from './backend-host';
import type { StatusReporter } from './status';
import { Workspace } from './workspace';

const chatPartial = new ProgressType<ChatPartial>();

function invalid(message: string): ResponseError<void> {
  return new ResponseError(LspErrorCodes.InvalidParams, message);
}

/** Checks the conversation's shape; errors name the message at fault. */
export function validateTurns(messages: unknown): ChatTurn[] {
  if (!Array.isArray(messages) || messages.length === 0) throw invalid("'messages' must be a non-empty array");
  return messages.map((m, i) => {
    const t = m as Partial<ChatTurn> | null;
    if (!t || (t.role !== 'system' && t.role !== 'user' && t.role !== 'assistant')) throw invalid(`messages[${i}].role must be 'system', 'user' or 'assistant'`);
    if (typeof t.content !== 'string') throw invalid(`messages[${i}].content must be a string`);
    return { role: t.role, content: t.content };
  });
}

/** Maps a backend failure to a JSON-RPC error (cancellation is not a failure). */
function backendFailure(err: unknown): ResponseError<void> {
  if (err instanceof ResponseError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new ResponseError(err instanceof BackendError ? ErrorCodes.BackendFailed : LspErrorCodes.InternalError, msg);
}

/**
 * One chat generation for a request: cancelled with `token`, counted by `status` as `kind`, maxTokens/temperature
 * defaulting to the settings, backend failures turned into JSON-RPC errors.
 */
export async function runChat(
  host: BackendHost, status: StatusReporter, kind: RequestTiming['kind'], messages: ChatTurn[], token: CancellationToken,
  opts: Omit<GenerateOptions, 'maxTokens' | 'signal'> & { maxTokens?: number },
): Promise<BackendResult> {
  const backend = host.require();
  const s = host.settings;
  const ctl = new AbortController();
  const sub = token.onCancellationRequested(() => ctl.abort());
  status.begin();
  let result: BackendResult | undefined;
  try {
    result = await backend.chat(messages, { ...opts, maxTokens: opts.maxTokens ?? s.maxTokens, temperature: opts.temperature ?? s.temperature, signal: ctl.signal });
    return result;
  } catch (err) {
    throw backendFailure(err);
  } finally {
    sub.dispose();
    status.end(kind, result);
  }
}

export class ChatFeature {
  constructor(
    private readonly connection: Connection,
    private readonly workspace: Workspace,
    private readonly host: BackendHost,
    private readonly status: StatusReporter,
  ) {}

  /** Reads each context item from its text or open document (and its range). */
  attachments(params: ChatParams): AttachedCode[] {
    if (params.context === undefined || params.context === null) return [];
    if (!Array.isArray(params.context)) throw invalid("'context' must be an array");
    return params.context.map((c, i) => {
      if (!c || typeof c.uri !== 'string') throw invalid(`context[${i}].uri must be a string`);
      const doc = this.workspace.documents.get(c.uri);
      const text = typeof c.text === 'string' ? c.text : doc?.getText(c.range);
      if (text === undefined) throw invalid(`context[${i}]: document ${c.uri} is not open and no text was given`);
      const lines = c.range ? { start: c.range.start.line + 1, end: c.range.end.line + 1 } : undefined;
      return { path: this.workspace.displayPath(c.uri), languageId: c.languageId ?? doc?.languageId, lines, text };
    });
  }

  async handle(params: ChatParams, token: CancellationToken): Promise<ChatResult> {
    if (!params || typeof params !== 'object') throw invalid('deepseek/chat needs a ChatParams object');
    const turns = validateTurns(params.messages);
    const messages = buildChatMessages(turns, this.attachments(params));
    const partial = params.partialResultToken;
    const result = await runChat(this.host, this.status, 'chat', messages, token, {
      maxTokens: params.maxTokens,
      temperature: params.temperature,
      priority: 'chat',
      onText: (delta) => {
        if (partial !== undefined && partial !== null) void this.connection.sendProgress(chatPartial, partial, { delta }).catch(() => undefined);
      },
    });
    return {
      text: result.text,
      stopReason: result.stopReason,
      usage: { promptTokens: result.promptTokens, completionTokens: result.completionTokens },
    };
  }
}
