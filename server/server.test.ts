// End-to-end: a JSON-RPC client drives `deepseek-local lsp --stdio --model <demo>` like VS Code would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CancellationTokenSource, createMessageConnection, MessageConnection, ProgressType, ResponseError, StreamMessageReader, StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import type { InlineCompletionItem, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { makeDemoModel } from './engine/demo-model';
import { ChatResult, Commands, EditCommandResult, ErrorCodes, ExplainResult, StatusParams } from './protocol';

const repo = path.resolve(__dirname, '..');
// $/progress values are plain JSON here; the type only satisfies the API
const progress = new ProgressType<any>();
let tmp: string;
let modelDir: string;
let root: string;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dsl-lsp-'));
  modelDir = path.join(tmp, 'model');
  root = path.join(tmp, 'ws');
  fs.mkdirSync(root);
  await makeDemoModel(modelDir);
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A spawned server plus the client side of its connection. */
interface Session {
  conn: MessageConnection;
  proc: ChildProcessWithoutNullStreams;
  statuses: StatusParams[];
  registrations: string[];
  stderr: () => string;
  close(): Promise<void>;
}

async function startSession(args: string[], settings: object = {}): Promise<Session> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'server/cli.ts'), 'lsp', '--stdio', ...args], { cwd: repo });
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const statuses: StatusParams[] = [];
  const registrations: string[] = [];
  conn.onNotification('deepseek/status', (s: StatusParams) => statuses.push(s));
  conn.onNotification('window/logMessage', () => undefined);
  conn.onNotification('window/showMessage', () => undefined);
  conn.onRequest('window/showMessageRequest', () => null);
  conn.onRequest('client/registerCapability', (p: { registrations: Array<{ method: string }> }) => {
    registrations.push(...p.registrations.map((r) => r.method));
    return null;
  });
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(root).toString(),
    workspaceFolders: [{ uri: pathToFileURL(root).toString(), name: 'ws' }],
    capabilities: { textDocument: { inlineCompletion: { dynamicRegistration: true } }, window: { workDoneProgress: true } },
    initializationOptions: { settings: { maxTokens: 24, completion: { maxTokens: 12, contextTokens: 512 }, ...settings } },
  });
  await conn.sendNotification('initialized', {});
  return {
    conn, proc, statuses, registrations, stderr: () => err,
    async close() {
      await conn.sendRequest('shutdown').catch(() => undefined);
      await conn.sendNotification('exit').catch(() => undefined);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { proc.kill(); resolve(); }, 3000);
        proc.once('exit', () => { clearTimeout(timer); resolve(); });
      });
      conn.dispose();
    },
  };
}

async function waitFor(what: string, cond: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let docVersion = 0;
function open(s: Session, name: string, text: string, languageId = 'python'): { uri: string; version: number } {
  const uri = pathToFileURL(path.join(root, name)).toString();
  const version = ++docVersion;
  void s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  return { uri, version };
}

function inline(s: Session, uri: string, line: number, character: number, token?: CancellationTokenSource) {
  const params = { textDocument: { uri }, position: { line, character }, context: { triggerKind: 2 } };
  return token
    ? s.conn.sendRequest<InlineCompletionItem[]>('textDocument/inlineCompletion', params, token.token)
    : s.conn.sendRequest<InlineCompletionItem[]>('textDocument/inlineCompletion', params);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];

test('LSP server on the demo model: completions, chat, edits, cancellation, errors', { timeout: 150_000 }, async (t) => {
  const s = await startSession(['--model', modelDir]);
  try {
    await waitFor('the model to load', () => s.statuses.some((x) => x.state === 'ready' || x.state === 'error'));
    assert.equal(s.statuses.at(-1)?.state, 'ready', s.stderr());
    assert.ok(s.statuses.some((x) => x.state === 'loading'), 'a loading status comes first');
    await waitFor('inline completion registration', () => s.registrations.includes('textDocument/inlineCompletion'));

    const src = 'def total(items):\n    s = 0\n    for x in items:\n        \n    return s\n';
    const doc = open(s, 'calc.py', src);
    open(s, 'util.py', 'def total_price(items, tax):\n    return sum(items) * tax\n');

    await t.test('inline completion at an empty line in a block', async () => {
      const items = await inline(s, doc.uri, 3, 8);
      // the demo model writes gibberish, but gibberish that starts on the cursor line: one item
      assert.equal(items.length, 1);
      const last = s.statuses.at(-1)?.lastRequest;
      assert.equal(last?.kind, 'completion');
      assert.ok(last!.promptTokens > 20, 'the FIM prompt holds the document');
      assert.ok(last!.completionTokens > 0 && last!.completionTokens <= 12, `${last!.completionTokens}`);
      for (const item of items) {
        assert.deepEqual((item.range as { start: unknown }).start, { line: 3, character: 8 });
        assert.ok(typeof item.insertText === 'string' && item.insertText.trim() !== '');
        // lines after the first may not leave the block (indent 8)
        for (const l of (item.insertText as string).split('\n').slice(1)) assert.ok(l.trim() === '' || /^ {8}/.test(l), JSON.stringify(item.insertText));
      }
    });

    await t.test('inline completion mid-line is a single line', async () => {
      const items = await inline(s, doc.uri, 1, 6);
      assert.equal(items.length, 1);
      for (const item of items) assert.ok(!(item.insertText as string).includes('\n'));
    });

    await t.test('chat streams $/progress partial results that add up to the answer', async () => {
      const partials: string[] = [];
      const sub = s.conn.onProgress(progress, 'chat-1', (v: { delta: string }) => partials.push(v.delta));
      const res = await s.conn.sendRequest<ChatResult>('deepseek/chat', {
        messages: [{ role: 'user', content: 'What does total do?' }],
        context: [{ uri: doc.uri, range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } } }],
        partialResultToken: 'chat-1', maxTokens: 10,
      });
      sub.dispose();
      assert.ok(partials.length > 0, 'partials arrived');
      assert.equal(partials.join(''), res.text);
      assert.ok(res.stopReason === 'length' || res.stopReason === 'eos');
      assert.ok(res.usage!.completionTokens > 0 && res.usage!.completionTokens <= 10);
      assert.ok(res.usage!.promptTokens > 30, 'system prompt, attached code and question');
    });

    await t.test('a cancelled chat stops generating and returns what it had', async () => {
      const cts = new CancellationTokenSource();
      let got = 0;
      const sub = s.conn.onProgress(progress, 'chat-2', () => { if (++got === 2) cts.cancel(); });
      const t0 = Date.now();
      const res = await s.conn.sendRequest<ChatResult>('deepseek/chat', {
        messages: [{ role: 'user', content: 'Write a long story.' }], partialResultToken: 'chat-2', maxTokens: 4000,
      }, cts.token).catch((e: unknown) => e);
      sub.dispose();
      // cancelled while generating: the answer so far comes back, marked cancelled
      assert.ok(!(res instanceof Error), String(res));
      assert.equal((res as ChatResult).stopReason, 'cancelled');
      assert.ok((res as ChatResult).usage!.completionTokens < 50);
      assert.ok(Date.now() - t0 < 15_000, 'stopped long before 4000 tokens');
    });

    await t.test('edit command: WorkspaceEdit against the version seen, or a clear refusal', async () => {
      const r = await s.conn.sendRequest<EditCommandResult>('workspace/executeCommand', {
        command: Commands.editFile, arguments: [{ uri: doc.uri, version: doc.version, instruction: 'Add a docstring.', format: 'whole' }],
      }).catch((e: unknown) => e);
      // the demo model's weights are random: its answer is not a whole-file block, so the server must refuse it
      if (r instanceof ResponseError) {
        assert.equal(r.code, ErrorCodes.EditFailed);
        assert.match(r.message, /whole/);
        assert.equal(typeof (r.data as { answer: string }).answer, 'string');
      } else {
        const edit = (r as EditCommandResult).edit.documentChanges![0] as TextDocumentEdit;
        assert.deepEqual(edit.textDocument, { uri: doc.uri, version: doc.version });
      }
    });

    await t.test('edit against a stale version is refused before generating', async () => {
      const err = await s.conn.sendRequest('workspace/executeCommand', {
        command: Commands.editSelection,
        arguments: [{ uri: doc.uri, version: doc.version - 1, instruction: 'x', range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } } }],
      }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof ResponseError);
      assert.equal(err.code, ErrorCodes.DocumentChanged);
    });

    await t.test('explain streams work-done progress and returns text', async () => {
      const values: Array<{ kind: string }> = [];
      const sub = s.conn.onProgress(progress, 'wd-1', (v: { kind: string }) => values.push(v));
      const r = await s.conn.sendRequest<ExplainResult>('workspace/executeCommand', {
        command: Commands.explain, workDoneToken: 'wd-1', arguments: [{ uri: doc.uri, version: doc.version, maxTokens: 6 }],
      });
      sub.dispose();
      assert.equal(r.uri, doc.uri);
      assert.equal(values[0]?.kind, 'begin');
      assert.equal(values.at(-1)?.kind, 'end');
      assert.ok(values.some((v) => v.kind === 'report'));
    });

    await t.test('bad params and unknown methods are JSON-RPC errors, and the server lives on', async () => {
      const bad = await s.conn.sendRequest('deepseek/chat', { messages: 'hello' }).then(() => undefined, (e: unknown) => e);
      assert.ok(bad instanceof ResponseError);
      assert.equal(bad.code, -32602);
      assert.match(bad.message, /messages/);
      const unknown = await s.conn.sendRequest('deepseek/nope', {}).then(() => undefined, (e: unknown) => e);
      assert.ok(unknown instanceof ResponseError);
      assert.equal(unknown.code, -32601);
      const cmd = await s.conn.sendRequest('workspace/executeCommand', { command: Commands.editFile, arguments: [{ uri: 42 }] }).then(() => undefined, (e: unknown) => e);
      assert.ok(cmd instanceof ResponseError);
      assert.equal(cmd.code, -32602);
      const closed = await s.conn.sendRequest('textDocument/inlineCompletion', { textDocument: { uri: 'file:///nowhere.py' }, position: { line: 0, character: 0 } }).then(() => undefined, (e: unknown) => e);
      assert.ok(closed instanceof ResponseError);
      const status = await s.conn.sendRequest<StatusParams>('deepseek/getStatus');
      assert.equal(status.state, 'ready');
    });

    await t.test('200 rapid completion requests with cancellations: the last is answered, none left running', async () => {
      const uri = open(s, 'rapid.py', 'import os\n\ndef main():\n    \n').uri;
      const pending: Array<Promise<unknown>> = [];
      const from = s.statuses.length;
      for (let i = 0; i < 200; i++) {
        const cts = new CancellationTokenSource();
        pending.push(inline(s, uri, 3, 4, cts).then((r) => r, (e: unknown) => e));
        if (i % 3 === 0) cts.cancel();
      }
      const results = await Promise.all(pending);
      const last = results.at(-1);
      assert.ok(Array.isArray(last), `last answered: ${String(last)}`);
      for (const r of results) assert.ok(Array.isArray(r) || (r instanceof ResponseError && r.code === -32800), String(r));
      const status = await s.conn.sendRequest<StatusParams>('deepseek/getStatus');
      assert.equal(status.pending, 0);
      assert.equal(status.state, 'ready');
      // the last request ran to its end; superseded ones stopped early or never reached the model
      const runs = s.statuses.slice(from).map((x) => x.lastRequest).filter((r) => r?.kind === 'completion');
      assert.notEqual(runs.at(-1)!.stopReason, 'cancelled');
      const tokens = runs.reduce((n, r) => n + r!.completionTokens, 0);
      process.stdout.write(`# 200 rapid requests: ${runs.filter((r) => r!.completionTokens > 0).length} reached the model, ${tokens} tokens generated in all\n`);
      assert.ok(tokens < 200 * 12 / 4, `${tokens} tokens: superseded requests kept generating`);
    });

    await t.test('latency of the inline path, cold and with prefix reuse (printed, not asserted)', async () => {
      const measure = async (uri: string, line: number, ch: number) => {
        const t0 = performance.now();
        await inline(s, uri, line, ch);
        const total = performance.now() - t0;
        return { total, first: s.statuses.at(-1)?.lastRequest?.firstTokenMs ?? total, reused: s.statuses.at(-1)?.lastRequest?.reusedTokens ?? 0 };
      };
      const cold: Array<{ total: number; first: number; reused: number }> = [];
      const warm: typeof cold = [];
      for (let i = 0; i < 6; i++) {
        const body = Array.from({ length: 20 }, (_, k) => `value_${i}_${k} = compute_${k * 7 + i}(${k})`).join('\n');
        const d = open(s, `cold${i}.py`, `# module ${i}\n${body}\n\ndef f${i}():\n    \n`);
        cold.push(await measure(d.uri, 23, 4));
      }
      const base = Array.from({ length: 20 }, (_, k) => `item_${k} = lookup(${k})`).join('\n') + '\n';
      const w = open(s, 'warm.py', base);
      await measure(w.uri, 20, 0);
      for (let i = 0; i < 6; i++) warm.push(await measure(w.uri, 20, 0));
      const fmt = (xs: number[]) => `median ${median(xs).toFixed(1)} ms, p95 ${p95(xs).toFixed(1)} ms`;
      process.stdout.write(`# inline cold:  first token ${fmt(cold.map((x) => x.first))}; complete ${fmt(cold.map((x) => x.total))}\n`);
      process.stdout.write(`# inline reuse: first token ${fmt(warm.map((x) => x.first))}; complete ${fmt(warm.map((x) => x.total))}; reused ${median(warm.map((x) => x.reused))} prompt tokens\n`);
      assert.ok(warm.every((x) => x.total > 0));
    });
  } finally {
    await s.close();
  }
});

test('malformed JSON-RPC input gets error responses and the server keeps serving', { timeout: 30_000 }, async () => {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'server/cli.ts'), 'lsp', '--stdio'], { cwd: repo });
  proc.stderr.resume();
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  const send = (s: string) => proc.stdin.write(`Content-Length: ${Buffer.byteLength(s)}\r\n\r\n${s}`);
  const messages = () => out.split(/Content-Length: \d+\r\n\r\n/).filter(Boolean).map((m) => JSON.parse(m) as { id?: number | null; error?: { code: number }; result?: unknown });
  try {
    send('{not json');
    send('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}');
    send('{"jsonrpc":"2.0","id":2,"method":"deepseek/chat","params":null}');
    send('{"jsonrpc":"2.0","id":3,"method":"workspace/executeCommand","params":{"command":"deepseek.editFile","arguments":["x"]}}');
    send('{"jsonrpc":"2.0","id":4,"method":"deepseek/chat","params":{"messages":[{"role":"user","content":"hi"}]}}');
    send('{"jsonrpc":"2.0","id":5,"method":"deepseek/getStatus"}');
    await waitFor('the last answer', () => messages().some((m) => m.id === 5), 20_000);
    const byId = new Map(messages().map((m) => [m.id, m]));
    assert.equal(byId.get(null)?.error?.code, -32700);
    assert.ok(byId.get(1)?.result);
    assert.equal(byId.get(2)?.error?.code, -32602);
    assert.equal(byId.get(3)?.error?.code, -32602);
    assert.equal(byId.get(4)?.error?.code, ErrorCodes.NotReady, 'no model configured yet');
    assert.deepEqual(byId.get(5)?.result, { state: 'unconfigured', pending: 0 });
  } finally {
    proc.kill();
  }
});

test('configuration: a bad model folder is reported, deepseek/configure reloads, settings changes apply', { timeout: 120_000 }, async () => {
  const missing = path.join(tmp, 'no-such-model');
  const s = await startSession([], { modelDir: missing });
  const shown: string[] = [];
  s.conn.onNotification('window/showMessage', (m: { message: string }) => shown.push(m.message));
  try {
    await waitFor('the load error', () => s.statuses.some((x) => x.state === 'error'));
    assert.match(s.statuses.at(-1)!.message!, new RegExp(missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    const notReady = await s.conn.sendRequest('deepseek/chat', { messages: [{ role: 'user', content: 'x' }] }).then(() => undefined, (e: unknown) => e);
    assert.ok(notReady instanceof ResponseError && notReady.code === ErrorCodes.NotReady && /no-such-model/.test(notReady.message));

    await s.conn.sendNotification('deepseek/configure', { modelDir });
    await waitFor('the reload', () => s.statuses.at(-1)?.state === 'ready');
    await waitFor('inline completion registration', () => s.registrations.includes('textDocument/inlineCompletion'));
    const doc = open(s, 'cfg.py', 'def f():\n    \n');
    await inline(s, doc.uri, 1, 4);
    const before = s.statuses.length;

    // a wrong value is refused with a message naming it, the old settings stay
    await s.conn.sendNotification('workspace/didChangeConfiguration', { settings: { deepseekLocal: { completion: { maxTokens: 'lots' } } } });
    await waitFor('the error message', () => shown.length > 0);
    assert.match(shown[0], /completion\.maxTokens/);

    await s.conn.sendNotification('workspace/didChangeConfiguration', { settings: { deepseekLocal: { completion: { enabled: false } } } });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await inline(s, doc.uri, 1, 4), []);
    // neither a reload (settings that do not concern the backend) nor a generation (completions disabled)
    assert.deepEqual(s.statuses.slice(before).map((x) => x.state), []);
  } finally {
    await s.close();
  }
});
