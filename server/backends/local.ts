// The local engine as a backend: one engine per model folder, requests served by priority, one at a time.
import type { Engine, GenerateResult, TokenConstraint } from '../engine/api';
import { loadEngine, type EngineOptions } from '../engine/index';
import type { ChatTurn } from '../protocol';
import { renderFimPrompt } from '../prompt/fim';
import type { Tokenizer } from '../tokenizer/api';
import { Backend, BackendError, BackendResult, FimInput, GenerateOptions, Priority } from './api';
import { CancelledWhileQueued, PriorityScheduler } from './scheduler';
import { TextStream } from './text-stream';

export class LocalBackend implements Backend {
  readonly kind = 'local' as const;
  private readonly scheduler = new PriorityScheduler();
  private readonly tokenizer: Tokenizer;

  constructor(private readonly engine: Engine) {
    if (!engine.tokenizer) throw new BackendError(`model folder ${engine.modelDir} has no tokenizer.json`);
    this.tokenizer = engine.tokenizer;
  }

  /** Loads the engine of `modelDir` (progress in bytes through opts.onProgress). */
  static async load(modelDir: string, opts: EngineOptions = {}): Promise<LocalBackend> {
    const engine = await loadEngine(modelDir, opts);
    try {
      return new LocalBackend(engine);
    } catch (err) {
      engine.dispose();
      throw err;
    }
  }

  get model(): string {
    return this.engine.modelDir;
  }

  get pending(): number {
    return this.scheduler.pending;
  }

  countTokens(text: string): number {
    return this.tokenizer.encode(text, { addBos: false }).length;
  }

  complete(input: FimInput, opts: GenerateOptions): Promise<BackendResult> {
    const text = input.suffix === undefined ? input.prefix : renderFimPrompt(input.prefix, input.suffix);
    return this.generate(this.tokenizer.encode(text, { addBos: true }), { priority: 'completion', ...opts });
  }

  chat(messages: ChatTurn[], opts: GenerateOptions): Promise<BackendResult> {
    let text: string;
    try {
      text = this.tokenizer.applyChatTemplate(messages, { addGenerationPrompt: true });
    } catch (err) {
      return Promise.reject(new BackendError(err instanceof Error ? err.message : String(err)));
    }
    // the template writes the BOS token itself
    const bos = this.tokenizer.bosId;
    const ids = this.tokenizer.encode(text);
    if (bos !== undefined && ids[0] !== bos) ids.unshift(bos);
    return this.generate(ids, { priority: 'chat', ...opts });
  }

  /**
   * Queues the prompt, then streams decoded text to opts.onText until EOS, a stop, the budget or cancellation.
   * A job yields the engine between two tokens when a more urgent one waits (a chat to an inline completion)
   * and queues again to continue from its prompt plus what it generated so far.
   */
  private async generate(prompt: number[], opts: GenerateOptions): Promise<BackendResult> {
    const t0 = performance.now();
    const priority = Priority[opts.priority ?? 'chat'];
    let firstTokenMs: number | undefined;
    const stream = new TextStream(opts.stop, opts.onText);
    const decoder = this.tokenizer.createStreamDecoder({ skipSpecial: true });
    const generated: number[] = [];
    let constraint: TokenConstraint | undefined;
    try {
      constraint = opts.constraint?.(this.tokenizer, opts.maxTokens);
    } catch (err) {
      throw new BackendError(`cannot constrain the answer: ${err instanceof Error ? err.message : String(err)}`);
    }
    let reusedTokens: number | undefined;
    let decodeMs = 0;
    let stopReason: BackendResult['stopReason'] = 'length';
    for (;;) {
      let yielded = false;
      let result: GenerateResult;
      try {
        result = await this.scheduler.run(priority, opts.signal, () =>
          this.engine.generate({
            prompt: generated.length ? prompt.concat(generated) : prompt,
            maxTokens: opts.maxTokens - generated.length,
            temperature: opts.temperature,
            topP: opts.topP,
            signal: opts.signal,
            constraint,
            onToken: (id) => {
              firstTokenMs ??= performance.now() - t0;
              generated.push(id);
              if (!stream.push(decoder.push(id))) return false;
              // a complete constrained answer ends here rather than yielding and queueing again
              if (generated.length < opts.maxTokens && !constraint?.done && this.scheduler.hasWaitingAbove(priority)) {
                yielded = true;
                return false;
              }
              return true;
            },
          }),
        );
      } catch (err) {
        if (err instanceof CancelledWhileQueued) {
          stopReason = 'cancelled';
          break;
        }
        throw new BackendError(`local engine failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      reusedTokens ??= result.reusedTokens;
      decodeMs += result.decodeMs;
      stopReason = result.stopReason;
      if (yielded && opts.signal?.aborted) stopReason = 'cancelled';
      if (!yielded || opts.signal?.aborted) break;
    }
    if (stopReason !== 'cancelled') stream.push(decoder.flush());
    stream.finish();
    return {
      text: stream.text,
      stopReason,
      promptTokens: prompt.length,
      completionTokens: generated.length,
      reusedTokens,
      firstTokenMs,
      totalMs: performance.now() - t0,
      tokensPerSecond: decodeMs > 0 && generated.length > 0 ? generated.length / (decodeMs / 1000) : undefined,
    };
  }

  dispose(): void {
    this.engine.dispose();
  }
}
