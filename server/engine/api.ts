// What the sidecar needs from the local engine (implemented in server/engine/).
import type { Tokenizer } from '../tokenizer/api';

export interface LoadOptions {
  threads?: number;
  device?: 'cpu' | 'cuda';
  /** Called while weights are read/mapped: bytes done of bytes total. */
  onProgress?: (loadedBytes: number, totalBytes: number) => void;
}

export interface GenerateRequest {
  /** Full prompt as token ids (the engine reuses any cached prefix of it). */
  prompt: number[];
  maxTokens: number;
  temperature?: number; // 0 or undefined = greedy
  topP?: number;
  seed?: number;
  /** Generation stops (token not included) when one of these ids is produced; default: the model's EOS. */
  stopTokens?: number[];
  ignoreEos?: boolean;
  /** Aborting stops generation between tokens; the promise then resolves with stopReason 'cancelled'. */
  signal?: AbortSignal;
  /** Called for each generated token; returning false stops generation (stopReason 'stop'). */
  onToken?: (id: number) => boolean | void;
  /** Restricts which tokens may be sampled (grammar-constrained decoding); generation stops when it is done. */
  constraint?: TokenConstraint;
}

/** A grammar over token ids, stepped by the engine: mask → sample → advance, until done. */
export interface TokenConstraint {
  /** Sets the logits of every token the grammar does not allow next to -Infinity (logits: [vocab]). */
  mask(logits: Float32Array): void;
  /** Moves the grammar past the chosen token. */
  advance(id: number): void;
  /** True when the output is complete: the engine stops without sampling more. */
  readonly done: boolean;
}

export interface GenerateResult {
  tokens: number[];
  stopReason: 'eos' | 'length' | 'stop' | 'cancelled';
  /** Prompt tokens actually computed vs. taken from the prefix cache. */
  prefillTokens: number;
  reusedTokens: number;
  /** Wall-clock milliseconds: prompt processing, and decode of all generated tokens. */
  prefillMs: number;
  decodeMs: number;
}

export interface Engine {
  readonly modelDir: string;
  readonly modelType: 'deepseek_v3' | 'deepseek_v2';
  readonly vocabSize: number;
  /** undefined when the folder has no tokenizer.json. */
  readonly tokenizer: Tokenizer | undefined;
  /** Logits of every position, [tokens.length, vocab] row-major; with mtp, the MTP module's logits. */
  logits(tokens: number[], opts?: { mtp?: boolean }): Float32Array;
  /** Asynchronous: yields to the event loop between tokens so cancellation and other requests get through. */
  generate(req: GenerateRequest): Promise<GenerateResult>;
  dispose(): void;
}

// Implemented by server/engine/index.ts:
//   export async function loadEngine(modelDir: string, opts?: LoadOptions): Promise<Engine>
