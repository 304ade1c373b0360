// Edit commands: the pure pieces, and the whole path through the LSP server with a model whose answer we know
// (an OpenAI-compatible endpoint replaying a fixed answer: the demo model's random weights cannot write edits).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, MessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { TextDocumentEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Commands, EditCommandResult, ErrorCodes } from '../protocol';
import { diagnosticsInstruction, rangeLines, toWorkspaceEdit, validateEditArgs } from './edits';

test('rangeLines: 1-based, a range ending at column 0 excludes that line', () => {
  assert.deepEqual(rangeLines({ start: { line: 2, character: 4 }, end: { line: 5, character: 0 } }), { startLine: 3, endLine: 5 });
  assert.deepEqual(rangeLines({ start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }), { startLine: 3, endLine: 3 });
  assert.deepEqual(rangeLines({ start: { line: 0, character: 0 }, end: { line: 1, character: 3 } }), { startLine: 1, endLine: 2 });
});

test('diagnosticsInstruction lists each problem with its 1-based line and source', () => {
  const d = [{ range: { start: { line: 4, character: 0 }, end: { line: 4, character: 3 } }, message: "'x' is undefined", source: 'pyright' }];
  assert.equal(diagnosticsInstruction(d, ' keep it short '), "Fix these problems reported by the editor:\n- line 5: [pyright] 'x' is undefined\n\nkeep it short");
});

test('validateEditArgs names the missing field', () => {
  assert.throws(() => validateEditArgs(Commands.editSelection, { uri: 'file:///a', version: 1, instruction: 'x' }), /'range' is required/);
  assert.throws(() => validateEditArgs(Commands.editFile, { uri: 'file:///a', version: 1 }), /'instruction' is required/);
  assert.throws(() => validateEditArgs(Commands.fixDiagnostics, { uri: 'file:///a', version: 1, diagnostics: [] }), /'diagnostics'/);
  assert.throws(() => validateEditArgs(Commands.editFile, { uri: 'file:///a', instruction: 'x' }), /'version'/);
  assert.throws(() => validateEditArgs(Commands.editFile, undefined), /arguments\[0\]/);
});

test('toWorkspaceEdit: versioned edits for known documents, create/delete operations for others', () => {
  const edit = toWorkspaceEdit([
    { path: '/w/a.py', kind: 'modify', oldText: 'x', newText: 'y', edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, newText: 'y' }], matches: [] },
    { path: '/w/new.py', kind: 'create', oldText: null, newText: 'n', edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'n' }], matches: [] },
    { path: '/w/old.py', kind: 'delete', oldText: 'o', newText: null, edits: [], matches: [] },
  ], (abs) => ({ uri: `file://${abs}`, version: abs === '/w/a.py' ? 7 : null }));
  const kinds = edit.documentChanges!.map((c) => ('kind' in c ? c.kind : `edit@${(c as TextDocumentEdit).textDocument.version}`));
  assert.deepEqual(kinds, ['edit@7', 'create', 'edit@null', 'delete']);
});

// ---- end to end through the server ----------------------------------------------------------------------

let tmp: string;
let answer = '';
let hold: Promise<void> = Promise.resolve();
let lastBody: { messages: Array<{ content: string }> } | undefined;
let model: http.Server;
let endpoint: string;

/** An OpenAI-compatible chat endpoint streaming `answer` in small pieces, after `hold` resolves. */
before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dsl-edits-'));
  model = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    lastBody = JSON.parse(Buffer.concat(chunks).toString());
    await hold;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (let i = 0; i < answer.length; i += 7) {
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: answer.slice(i, i + 7) }, finish_reason: null }] })}\n\n`);
    }
    res.end(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`);
  });
  await new Promise<void>((r) => model.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(model.address() as AddressInfo).port}/v1`;
});

after(() => {
  model.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function startServer(): Promise<{ conn: MessageConnection; proc: ChildProcessWithoutNullStreams }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../cli.ts'), 'lsp', '--stdio', '--endpoint', endpoint]);
  proc.stderr.resume();
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const ready = new Promise<void>((resolve) => conn.onNotification('deepseek/status', (s: { state: string }) => { if (s.state === 'ready') resolve(); }));
  conn.onNotification('window/logMessage', () => undefined);
  conn.listen();
  await conn.sendRequest('initialize', { processId: null, rootUri: pathToFileURL(tmp).toString(), capabilities: {}, workspaceFolders: [{ uri: pathToFileURL(tmp).toString(), name: 't' }] });
  await conn.sendNotification('initialized', {});
  await ready;
  return { conn, proc };
}

test('edit commands turn the model answer into a WorkspaceEdit for the version seen, and refuse stale ones', { timeout: 30_000 }, async (t) => {
  const { conn, proc } = await startServer();
  const file = path.join(tmp, 'calc.py');
  const uri = pathToFileURL(file).toString();
  const original = 'def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n';
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 3, text: original } });
  try {
    await t.test('search-replace answer → minimal versioned edit that yields the intended text', async () => {
      answer = 'calc.py\n```python\n<<<<<<< SEARCH\ndef sub(a, b):\n    return a - b\n=======\ndef sub(a, b):\n    """a minus b"""\n    return a - b\n>>>>>>> REPLACE\n```\n';
      const r = await conn.sendRequest<EditCommandResult>('workspace/executeCommand', {
        command: Commands.editSelection,
        arguments: [{ uri, version: 3, instruction: 'Add a docstring to sub.', range: { start: { line: 4, character: 0 }, end: { line: 6, character: 0 } }, format: 'search-replace' }],
      });
      assert.equal(r.version, 3);
      assert.equal(r.format, 'search-replace');
      const change = r.edit.documentChanges![0] as TextDocumentEdit;
      assert.deepEqual(change.textDocument, { uri, version: 3 });
      const after = TextDocument.applyEdits(TextDocument.create(uri, 'python', 3, original), change.edits as never);
      assert.equal(after, original.replace('def sub(a, b):\n', 'def sub(a, b):\n    """a minus b"""\n'));
      // the prompt carried the file, the selection and the instruction
      const prompt = lastBody!.messages.at(-1)!.content;
      assert.match(prompt, /lines 5-6/);
      assert.match(prompt, /Add a docstring to sub\./);
      assert.match(prompt, /return a - b/);
    });

    await t.test('an answer that does not fit the file is refused with the reason', async () => {
      answer = 'calc.py\n```python\n<<<<<<< SEARCH\ndef mul(a, b):\n=======\ndef mul(x, y):\n>>>>>>> REPLACE\n```\n';
      const err = await conn.sendRequest('workspace/executeCommand', {
        command: Commands.editFile, arguments: [{ uri, version: 3, instruction: 'rename', format: 'search-replace' }],
      }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof ResponseError);
      assert.equal(err.code, ErrorCodes.EditFailed);
    });

    await t.test('a document changed while the model was answering is refused, not edited blindly', async () => {
      answer = 'calc.py\n```python\ndef add(a, b):\n    return b + a\n```\n';
      let release!: () => void;
      hold = new Promise((r) => { release = r; });
      const pending = conn.sendRequest('workspace/executeCommand', {
        command: Commands.editFile, arguments: [{ uri, version: 3, instruction: 'swap', format: 'whole' }],
      }).then(() => undefined, (e: unknown) => e);
      await new Promise((r) => setTimeout(r, 200));
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 4 }, contentChanges: [{ text: original + '# more\n' }] });
      await new Promise((r) => setTimeout(r, 50));
      release();
      const err = await pending;
      hold = Promise.resolve();
      assert.ok(err instanceof ResponseError, String(err));
      assert.equal(err.code, ErrorCodes.DocumentChanged);
      assert.match(err.message, /version 4/);
    });

    await t.test('fix diagnostics: the problems reach the prompt; the result applies to the current version', async () => {
      answer = 'calc.py\n```python\n<<<<<<< SEARCH\n# more\n=======\n# fixed\n>>>>>>> REPLACE\n```\n';
      const r = await conn.sendRequest<EditCommandResult>('workspace/executeCommand', {
        command: Commands.fixDiagnostics,
        arguments: [{ uri, version: 4, format: 'search-replace', diagnostics: [{ range: { start: { line: 6, character: 0 }, end: { line: 6, character: 6 } }, message: 'bad comment', source: 'lint' }] }],
      });
      assert.match(lastBody!.messages.at(-1)!.content, /line 7: \[lint\] bad comment/);
      const change = r.edit.documentChanges![0] as TextDocumentEdit;
      assert.equal(change.textDocument.version, 4);
      assert.equal(TextDocument.applyEdits(TextDocument.create(uri, 'python', 4, original + '# more\n'), change.edits as never), original + '# fixed\n');
    });
  } finally {
    await conn.sendRequest('shutdown').catch(() => undefined);
    await conn.sendNotification('exit').catch(() => undefined);
    await new Promise((r) => { const timer = setTimeout(() => { proc.kill(); r(undefined); }, 3000); proc.once('exit', () => { clearTimeout(timer); r(undefined); }); });
    conn.dispose();
  }
});
