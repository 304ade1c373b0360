// What the LSP server and the HTTP server need from a model: FIM and chat streams, both cancellable.
import type { TokenConstraint } from '../engine/api';
import type { BackendKind, ChatTurn } from '../protocol';
import type { Tokenizer } from '../tokenizer/api';

/** Lower runs first: inline completions before chat before edits. */
export const Priority = { completion: 0, chat: 1, edit: 2 } as const;
export type PriorityName = keyof typeof Priority;

export interface GenerateOptions {
  maxTokens: number;
  /** 0 / undefined = greedy. */
  temperature?: number;
  topP?: number;
  /** Generation stops before any of these strings (the text returned excludes it). */
  stop?: string[];
  /** Aborting stops generation between tokens (or aborts the HTTP request); the result is then 'cancelled'. */
  signal?: AbortSignal;
  /** Called with each new piece of text and the text so far; returning false stops generation ('stop'). */
  onText?: (delta: string, text: string) => boolean | void;
  priority?: PriorityName;
  /**
   * Makes the grammar the answer must follow (constrained decoding), with the model's tokenizer; called once per
   * request. Only the local backend can constrain decoding: remote backends ignore it.
   */
  constraint?: ConstraintFactory;
}

export type ConstraintFactory = (tokenizer: Tokenizer, maxTokens: number) => TokenConstraint;

/** Text before and after the cursor; without `suffix` it is a plain left-to-right completion of `prefix`. */
export interface FimInput {
  prefix: string;
  suffix?: string;
}

export type StopReason = 'eos' | 'length' | 'stop' | 'cancelled';

export interface BackendResult {
  text: string;
  stopReason: StopReason;
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens taken from the prefix cache (local backend). */
  reusedTokens?: number;
  /** Call → first generated text (ms), including any wait for the model. */
  firstTokenMs?: number;
  /** Call → done (ms). */
  totalMs: number;
  /** Decode speed, when known. */
  tokensPerSecond?: number;
}

export interface Backend {
  readonly kind: BackendKind;
  /** Model folder or model name, for status and /v1/models. */
  readonly model: string;
  /** Tokens of `text` (exact locally, an estimate for remote servers): the FIM budget is counted with it. */
  countTokens(text: string): number;
  /** Fill in the middle (or plain completion without suffix). */
  complete(input: FimInput, opts: GenerateOptions): Promise<BackendResult>;
  chat(messages: ChatTurn[], opts: GenerateOptions): Promise<BackendResult>;
  /** Requests waiting for or holding the model. */
  readonly pending: number;
  dispose(): void;
}

/** Thrown for failures of the model backend (HTTP errors, engine errors), never for cancellation. */
export class BackendError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'BackendError';
  }
}
