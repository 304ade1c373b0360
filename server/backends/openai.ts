// Any OpenAI-compatible server (DeepSeek API, SGLang, vLLM, `deepseek-local serve`) as a backend:
// streaming chat completions and FIM through /completions `prompt` + `suffix`.
import type { ChatTurn } from '../protocol';
import { Backend, BackendError, BackendResult, FimInput, GenerateOptions, StopReason } from './api';
import { backoffDelay, isRetryableStatus, sleep } from './retry';
import { readSse } from './sse';
import { TextStream } from './text-stream';

export interface OpenAIBackendOptions {
  /** Base URL including the version path, e.g. "http://127.0.0.1:8000/v1". */
  endpoint: string;
  model: string;
  apiKey?: string;
  /** Max wait for the response headers of one attempt (ms). */
  timeoutMs?: number;
  /** Max silence between two chunks of a streamed answer (ms). */
  idleTimeoutMs?: number;
  /** Extra attempts after a 429/5xx/network failure. */
  retries?: number;
  /** First backoff delay; doubles on each retry (ms). */
  backoffMs?: number;
}

/** An OpenAI streaming choice: chat chunks carry delta.content, completion chunks text. */
interface StreamChoice {
  text?: string;
  delta?: { content?: string | null };
  message?: { content?: string | null };
  finish_reason?: string | null;
}

interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

/** Why an attempt's controller was aborted by us (as opposed to by the caller). */
class Timeout extends Error {}

export class OpenAIBackend implements Backend {
  readonly kind = 'openai' as const;
  private inFlight = 0;
  private readonly endpoint: string;

  constructor(private readonly opts: OpenAIBackendOptions) {
    let url: URL;
    try {
      url = new URL(opts.endpoint);
    } catch {
      throw new BackendError(`endpoint is not a URL: ${JSON.stringify(opts.endpoint)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BackendError(`endpoint must be http(s): ${opts.endpoint}`);
    this.endpoint = opts.endpoint.replace(/\/+$/, '');
  }

  get model(): string {
    return this.opts.model;
  }

  get pending(): number {
    return this.inFlight;
  }

  /** About three characters per token for code: the server tokenizes, we only budget. */
  countTokens(text: string): number {
    return Math.ceil(text.length / 3);
  }

  complete(input: FimInput, opts: GenerateOptions): Promise<BackendResult> {
    const body: Record<string, unknown> = { model: this.opts.model, prompt: input.prefix, ...this.sampling(opts) };
    if (input.suffix !== undefined) body.suffix = input.suffix;
    return this.stream('/completions', body, (c) => c.text ?? '', opts);
  }

  chat(messages: ChatTurn[], opts: GenerateOptions): Promise<BackendResult> {
    const body = { model: this.opts.model, messages, ...this.sampling(opts) };
    return this.stream('/chat/completions', body, (c) => c.delta?.content ?? c.message?.content ?? '', opts);
  }

  dispose(): void {}

  private sampling(opts: GenerateOptions): Record<string, unknown> {
    const out: Record<string, unknown> = {
      max_tokens: opts.maxTokens,
      temperature: opts.temperature ?? 0,
      stream: true,
      stream_options: { include_usage: true },
    };
    if (opts.topP !== undefined) out.top_p = opts.topP;
    if (opts.stop?.length) out.stop = opts.stop.slice(0, 4);
    return out;
  }

  /** POSTs with retries, then streams the answer's pieces through a TextStream. */
  private async stream(path: string, body: unknown, pick: (c: StreamChoice) => string, opts: GenerateOptions): Promise<BackendResult> {
    const t0 = performance.now();
    const url = this.endpoint + path;
    const text = new TextStream(opts.stop, opts.onText);
    let firstTokenMs: number | undefined;
    let usage: Usage | undefined;
    let finish: string | null | undefined;
    let pieces = 0;
    const cancelled = (): BackendResult => ({
      text: text.text, stopReason: 'cancelled', promptTokens: 0, completionTokens: pieces, firstTokenMs, totalMs: performance.now() - t0,
    });
    this.inFlight++;
    try {
      const retries = this.opts.retries ?? 3;
      for (let attempt = 0; ; attempt++) {
        if (opts.signal?.aborted) return cancelled();
        const ctl = new AbortController();
        const onCallerAbort = () => ctl.abort(opts.signal?.reason);
        opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
        let timer = setTimeout(() => ctl.abort(new Timeout(`no answer within ${this.opts.timeoutMs ?? 60_000} ms`)), this.opts.timeoutMs ?? 60_000);
        const restartIdle = () => {
          clearTimeout(timer);
          timer = setTimeout(() => ctl.abort(new Timeout(`stream silent for ${this.opts.idleTimeoutMs ?? 60_000} ms`)), this.opts.idleTimeoutMs ?? 60_000);
        };
        try {
          const res = await fetch(url, { method: 'POST', headers: this.headers(), body: JSON.stringify(body), signal: ctl.signal });
          if (!res.ok) {
            const detail = errorDetail(await res.text().catch(() => ''));
            if (isRetryableStatus(res.status) && attempt < retries) {
              await sleep(backoffDelay(attempt, this.opts.backoffMs ?? 500, res.headers.get('retry-after')), opts.signal);
              continue;
            }
            throw new BackendError(`${url}: HTTP ${res.status}${detail ? `: ${detail}` : ''}`, res.status);
          }
          restartIdle();
          const isJson = (res.headers.get('content-type') ?? '').includes('application/json');
          if (isJson || !res.body) {
            // the server ignored stream: true
            const json = (await res.json()) as { choices?: StreamChoice[]; usage?: Usage };
            const choice = json.choices?.[0] ?? {};
            firstTokenMs = performance.now() - t0;
            text.push(pick(choice));
            pieces = json.usage?.completion_tokens ?? 1;
            usage = json.usage;
            finish = choice.finish_reason;
          } else {
            for await (const ev of readSse(res.body)) {
              restartIdle();
              if (ev.data === '[DONE]') break;
              const chunk = parseChunk(ev.data, url);
              if (chunk.usage) usage = chunk.usage;
              const choice = chunk.choices?.[0];
              if (!choice) continue;
              if (choice.finish_reason) finish = choice.finish_reason;
              const piece = pick(choice);
              if (!piece) continue;
              firstTokenMs ??= performance.now() - t0;
              pieces++;
              if (!text.push(piece)) {
                ctl.abort();
                finish = 'caller-stop';
                break;
              }
            }
          }
          text.finish();
          const stopReason: StopReason = finish === 'length' ? 'length' : finish === 'caller-stop' || text.stopped ? 'stop' : 'eos';
          return {
            text: text.text,
            stopReason,
            promptTokens: usage?.prompt_tokens ?? 0,
            completionTokens: usage?.completion_tokens ?? pieces,
            firstTokenMs,
            totalMs: performance.now() - t0,
          };
        } catch (err) {
          if (opts.signal?.aborted) return cancelled();
          if (err instanceof BackendError) throw err;
          const reason = ctl.signal.reason instanceof Timeout ? ctl.signal.reason.message : err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
          // only a failure before any text arrived can be retried without duplicating output
          if (pieces === 0 && attempt < retries) {
            await sleep(backoffDelay(attempt, this.opts.backoffMs ?? 500, null), opts.signal).catch(() => undefined);
            continue;
          }
          throw new BackendError(`${url}: ${reason}`);
        } finally {
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onCallerAbort);
        }
      }
    } finally {
      this.inFlight--;
    }
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
    if (this.opts.apiKey) h.authorization = `Bearer ${this.opts.apiKey}`;
    return h;
  }
}

/** The message of an OpenAI-style error body, or its start. */
function errorDetail(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
    const e = json.error;
    return (typeof e === 'string' ? e : e?.message) ?? json.message ?? body.slice(0, 200);
  } catch {
    return body.slice(0, 200);
  }
}

function parseChunk(data: string, url: string): { choices?: StreamChoice[]; usage?: Usage; error?: { message?: string } } {
  let chunk: { choices?: StreamChoice[]; usage?: Usage; error?: { message?: string } };
  try {
    chunk = JSON.parse(data);
  } catch {
    throw new BackendError(`${url}: stream data is not JSON: ${data.slice(0, 100)}`);
  }
  if (chunk.error) throw new BackendError(`${url}: ${chunk.error.message ?? JSON.stringify(chunk.error)}`);
  return chunk;
}
