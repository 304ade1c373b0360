import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSse, SseParser } from './sse';

test('SseParser joins data lines, skips comments and handles chunk splits anywhere', () => {
  const text = ': keep-alive\r\ndata: {"a":1}\r\n\r\nevent: x\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n';
  for (let cut = 0; cut <= text.length; cut++) {
    const p = new SseParser();
    const events = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut)), ...p.end()];
    assert.deepEqual(events.map((e) => [e.event, e.data]), [[undefined, '{"a":1}'], ['x', 'line1\nline2'], [undefined, '[DONE]']], `cut at ${cut}`);
  }
});

test('SseParser delivers an unterminated last event at end of stream', () => {
  const p = new SseParser();
  assert.deepEqual(p.push('data: tail'), []);
  assert.deepEqual(p.end().map((e) => e.data), ['tail']);
});

test('readSse reads events from a byte stream split inside a UTF-8 character', async () => {
  const bytes = new TextEncoder().encode('data: héllo\n\ndata: wörld\n\n');
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(bytes.slice(0, 8)); // splits the two bytes of "é"
      c.enqueue(bytes.slice(8));
      c.close();
    },
  });
  const got: string[] = [];
  for await (const ev of readSse(body)) got.push(ev.data);
  assert.deepEqual(got, ['héllo', 'wörld']);
});
