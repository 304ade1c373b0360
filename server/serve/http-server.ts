// OpenAI-compatible HTTP server on a backend: /v1/models, /v1/chat/completions, /v1/completions (FIM with suffix).
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Backend, BackendResult, GenerateOptions, StopReason } from '../backends/api';
import { HttpError } from './errors';
import { parseChatCompletion, parseCompletion, parseJsonBody } from './requests';

export interface ServeOptions {
  /** Name reported by /v1/models and in responses. */
  modelName: string;
  /** Largest accepted request body (bytes). */
  maxBodyBytes?: number;
  /** Called with one line per finished request (method, path, status, ms). */
  log?: (line: string) => void;
}

const finishReason = (r: StopReason): 'stop' | 'length' => (r === 'length' ? 'length' : 'stop');

function usage(r: BackendResult) {
  return { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new HttpError(413, `request body larger than ${limit} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Server-sent events writer: one JSON object per event, then `data: [DONE]`. */
class SseWriter {
  private started = false;
  constructor(private readonly res: http.ServerResponse) {}
  send(obj: unknown): void {
    if (!this.started) {
      this.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      this.started = true;
    }
    this.res.write(`data: ${JSON.stringify(obj)}\n\n`);
  }
  done(): void {
    if (this.res.destroyed) return;
    this.res.end('data: [DONE]\n\n');
  }
}

/** The request handler (exported for embedding); `startServe` wraps it in a listening server. */
export function createServeHandler(backend: Backend, opts: ServeOptions): http.RequestListener {
  const created = Math.floor(Date.now() / 1000);
  const maxBody = opts.maxBodyBytes ?? 16 * 1024 * 1024;

  /** Aborts when the client goes away before the response is complete. */
  function disconnectSignal(res: http.ServerResponse): AbortSignal {
    const ctl = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) ctl.abort(new Error('client disconnected'));
    });
    return ctl.signal;
  }

  async function chatCompletions(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const p = parseChatCompletion(parseJsonBody(await readBody(req, maxBody)));
    const id = `chatcmpl-${randomUUID()}`;
    const now = Math.floor(Date.now() / 1000);
    const gen: GenerateOptions = { maxTokens: p.maxTokens, temperature: p.temperature, topP: p.topP, stop: p.stop, signal: disconnectSignal(res), priority: 'chat' };
    const chunk = (choices: unknown[], extra: object = {}) => ({ id, object: 'chat.completion.chunk', created: now, model: opts.modelName, choices, ...extra });
    if (!p.stream) {
      const r = await backend.chat(p.messages, gen);
      if (r.stopReason === 'cancelled') return;
      sendJson(res, 200, {
        id, object: 'chat.completion', created: now, model: opts.modelName,
        choices: [{ index: 0, message: { role: 'assistant', content: r.text }, finish_reason: finishReason(r.stopReason), logprobs: null }],
        usage: usage(r),
      });
      return;
    }
    const sse = new SseWriter(res);
    sse.send(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, logprobs: null }]));
    const r = await backend.chat(p.messages, { ...gen, onText: (delta) => sse.send(chunk([{ index: 0, delta: { content: delta }, finish_reason: null, logprobs: null }])) });
    if (r.stopReason === 'cancelled') return;
    sse.send(chunk([{ index: 0, delta: {}, finish_reason: finishReason(r.stopReason), logprobs: null }]));
    if (p.includeUsage) sse.send(chunk([], { usage: usage(r) }));
    sse.done();
  }

  async function completions(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const p = parseCompletion(parseJsonBody(await readBody(req, maxBody)));
    const id = `cmpl-${randomUUID()}`;
    const now = Math.floor(Date.now() / 1000);
    const gen: GenerateOptions = { maxTokens: p.maxTokens, temperature: p.temperature, topP: p.topP, stop: p.stop, signal: disconnectSignal(res), priority: 'completion' };
    const input = { prefix: p.prompt, suffix: p.suffix };
    const body = (choices: unknown[], extra: object = {}) => ({ id, object: 'text_completion', created: now, model: opts.modelName, choices, ...extra });
    if (!p.stream) {
      const r = await backend.complete(input, gen);
      if (r.stopReason === 'cancelled') return;
      sendJson(res, 200, body([{ index: 0, text: r.text, finish_reason: finishReason(r.stopReason), logprobs: null }], { usage: usage(r) }));
      return;
    }
    const sse = new SseWriter(res);
    const r = await backend.complete(input, { ...gen, onText: (delta) => sse.send(body([{ index: 0, text: delta, finish_reason: null, logprobs: null }])) });
    if (r.stopReason === 'cancelled') return;
    sse.send(body([{ index: 0, text: '', finish_reason: finishReason(r.stopReason), logprobs: null }]));
    if (p.includeUsage) sse.send(body([], { usage: usage(r) }));
    sse.done();
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    const routes: Record<string, { method: string; run: () => Promise<void> | void }> = {
      '/v1/models': { method: 'GET', run: () => sendJson(res, 200, { object: 'list', data: [{ id: opts.modelName, object: 'model', created, owned_by: 'deepseek-local' }] }) },
      '/v1/chat/completions': { method: 'POST', run: () => chatCompletions(req, res) },
      '/v1/completions': { method: 'POST', run: () => completions(req, res) },
      '/health': { method: 'GET', run: () => sendJson(res, 200, { status: 'ok', pending: backend.pending }) },
    };
    const r = routes[path];
    if (!r) throw new HttpError(404, `no route ${req.method} ${path}`);
    if (req.method !== r.method) throw new HttpError(405, `${path} accepts ${r.method}, not ${req.method}`);
    await r.run();
  }

  return (req, res) => {
    const t0 = performance.now();
    route(req, res).catch((err: unknown) => {
      const e = err instanceof HttpError ? err : new HttpError(500, err instanceof Error ? err.message : String(err));
      if (res.headersSent) {
        // mid-stream failure: report it in-band, then end the stream
        if (!res.destroyed) res.end(`data: ${JSON.stringify(e.body())}\n\n`);
      } else if (!res.destroyed) sendJson(res, e.status, e.body());
    }).finally(() => {
      opts.log?.(`${req.method} ${req.url} ${res.statusCode} ${Math.round(performance.now() - t0)}ms`);
    });
  };
}

export interface RunningServer {
  server: http.Server;
  /** e.g. "http://127.0.0.1:8000/v1" */
  baseUrl: string;
  close(): Promise<void>;
}

/** Listens on host:port (port 0 = any free port); 127.0.0.1 unless told otherwise. */
export function startServe(backend: Backend, opts: ServeOptions & { host?: string; port: number }): Promise<RunningServer> {
  const server = http.createServer(createServeHandler(backend, opts));
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        server,
        baseUrl: `http://${shownHost}:${port}/v1`,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}
