// `deepseek-local serve` on the demo model, driven by the official openai client and by our openai backend.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { BackendError } from '../backends/api';
import { OpenAIBackend } from '../backends/openai';
import { makeDemoModel } from '../engine/demo-model';

const repo = path.resolve(__dirname, '../..');
let tmp: string;
let proc: ChildProcess;
let baseUrl: string;
let stderr = '';

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dsl-serve-'));
  await makeDemoModel(tmp);
  proc = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'server/cli.ts'), 'serve', '--model', tmp, '--port', '0', '--quiet'], { cwd: repo });
  proc.stderr!.on('data', (d) => { stderr += d; });
  baseUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
});

after(async () => {
  proc.kill('SIGTERM');
  await new Promise((r) => proc.once('exit', r));
  fs.rmSync(tmp, { recursive: true, force: true });
});

const health = async () => (await (await fetch(baseUrl.replace(/\/v1$/, '/health'))).json()) as { pending: number };

test('openai client: models, streamed chat, FIM completion', async () => {
  const client = new OpenAI({ baseURL: baseUrl, apiKey: 'unused' });
  const models = await client.models.list();
  assert.equal(models.data[0].id, path.basename(tmp));

  const stream = await client.chat.completions.create({
    model: 'any', messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 8, stream: true, stream_options: { include_usage: true },
  });
  let text = '';
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined | null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    text += chunk.choices[0]?.delta?.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }
  assert.ok(chunks >= 3);
  assert.ok(text.length > 0);
  assert.ok(finish === 'length' || finish === 'stop');
  assert.ok(usage && usage.completion_tokens > 0 && usage.completion_tokens <= 8);

  const plain = await client.chat.completions.create({ model: 'any', messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 8, temperature: 0 });
  // greedy decoding is deterministic: the same request gives the same text streamed or not
  const again = await client.chat.completions.create({ model: 'any', messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 8, temperature: 0 });
  assert.equal(plain.choices[0].message.content, again.choices[0].message.content);

  const fim = await client.completions.create({ model: 'any', prompt: 'def add(a, b):\n    ', suffix: '\n\nprint(add(1, 2))\n', max_tokens: 6, temperature: 0 });
  assert.equal(fim.object, 'text_completion');
  assert.equal(typeof fim.choices[0].text, 'string');
  assert.ok(fim.usage!.prompt_tokens > 10, 'FIM tokens + prefix + suffix');
  const fimStream = await client.completions.create({ model: 'any', prompt: 'def add(a, b):\n    ', suffix: '\n\nprint(add(1, 2))\n', max_tokens: 6, temperature: 0, stream: true });
  let streamed = '';
  for await (const c of fimStream) streamed += c.choices[0]?.text ?? '';
  assert.equal(streamed, fim.choices[0].text);
});

test('bad requests get OpenAI-style 4xx errors', async () => {
  const bad = await fetch(`${baseUrl}/chat/completions`, { method: 'POST', body: '{not json' });
  assert.equal(bad.status, 400);
  const body = (await bad.json()) as { error: { message: string; type: string } };
  assert.match(body.error.message, /not valid JSON/);
  assert.equal(body.error.type, 'invalid_request_error');
  const field = await fetch(`${baseUrl}/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'x', temperature: 7 }) });
  assert.equal(field.status, 400);
  assert.equal(((await field.json()) as { error: { param: string } }).error.param, 'temperature');
  assert.equal((await fetch(`${baseUrl}/nothing`)).status, 404);
  assert.equal((await fetch(`${baseUrl}/models`, { method: 'POST' })).status, 405);
});

test('a client disconnect cancels the generation', async () => {
  const ctl = new AbortController();
  const res = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST', signal: ctl.signal,
    body: JSON.stringify({ messages: [{ role: 'user', content: 'long' }], max_tokens: 100000, stream: true }),
  });
  const reader = res.body!.getReader();
  await reader.read();
  await reader.read();
  assert.equal((await health()).pending, 1);
  ctl.abort();
  const t0 = Date.now();
  while ((await health()).pending !== 0) {
    assert.ok(Date.now() - t0 < 5000, 'generation still running 5 s after the client left');
    await new Promise((r) => setTimeout(r, 20));
  }
});

test('openai backend against serve: chat stream, FIM, cancellation, errors', async () => {
  const backend = new OpenAIBackend({ endpoint: baseUrl, model: 'demo', apiKey: 'k' });
  const deltas: string[] = [];
  const chat = await backend.chat([{ role: 'user', content: 'hi' }], { maxTokens: 6, onText: (d) => { deltas.push(d); } });
  assert.ok(deltas.length > 0);
  assert.equal(deltas.join(''), chat.text);
  assert.equal(chat.completionTokens, 6);
  assert.equal(chat.stopReason, 'length');
  assert.ok(chat.firstTokenMs! <= chat.totalMs);

  const fim = await backend.complete({ prefix: 'x = ', suffix: '\n' }, { maxTokens: 4 });
  assert.equal(fim.completionTokens, 4);

  const ctl = new AbortController();
  const cancelled = await backend.chat([{ role: 'user', content: 'long' }], {
    maxTokens: 100000, signal: ctl.signal, onText: (_d, text) => { if (text.length > 5) ctl.abort(); },
  });
  assert.equal(cancelled.stopReason, 'cancelled');
  // the caller stopping (onText → false) ends the request as 'stop'
  const stopped = await backend.chat([{ role: 'user', content: 'long' }], { maxTokens: 100000, onText: () => false });
  assert.equal(stopped.stopReason, 'stop');
  const t0 = Date.now();
  while ((await health()).pending !== 0) {
    assert.ok(Date.now() - t0 < 5000, 'server still generating after the backend aborted');
    await new Promise((r) => setTimeout(r, 20));
  }
  await assert.rejects(backend.chat([{ role: 'user', content: 'x' }], { maxTokens: 4, temperature: 9 }),
    (e: unknown) => e instanceof BackendError && e.status === 400 && /temperature/.test(e.message));
});

test('openai backend retries 503s with backoff, then gives up with a clear error', async () => {
  let failuresLeft = 2;
  let calls = 0;
  // a front that fails twice, then passes requests through to the real server
  const front = http.createServer(async (req, res) => {
    calls++;
    if (failuresLeft-- > 0) {
      res.writeHead(503, { 'retry-after': '0', 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'overloaded' } }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const upstream = await fetch(baseUrl + req.url!.replace(/^\/v1/, ''), { method: 'POST', body: Buffer.concat(chunks), headers: { 'content-type': 'application/json' } });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(front.address() as AddressInfo).port}/v1`;
  try {
    const ok = await new OpenAIBackend({ endpoint: url, model: 'demo', backoffMs: 5 }).chat([{ role: 'user', content: 'hi' }], { maxTokens: 3 });
    assert.equal(calls, 3);
    assert.equal(ok.completionTokens, 3);
    failuresLeft = 100;
    calls = 0;
    await assert.rejects(new OpenAIBackend({ endpoint: url, model: 'demo', backoffMs: 1, retries: 2 }).chat([{ role: 'user', content: 'hi' }], { maxTokens: 3 }),
      (e: unknown) => e instanceof BackendError && e.status === 503 && /overloaded/.test(e.message));
    assert.equal(calls, 3);
  } finally {
    front.close();
  }
  await assert.rejects(new OpenAIBackend({ endpoint: 'http://127.0.0.1:1/v1', model: 'm', retries: 1, backoffMs: 1 }).complete({ prefix: 'x' }, { maxTokens: 1 }),
    (e: unknown) => e instanceof BackendError && /127\.0\.0\.1:1/.test(e.message));
  assert.throws(() => new OpenAIBackend({ endpoint: 'not a url', model: 'm' }), /endpoint is not a URL/);
});
