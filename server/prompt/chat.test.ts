import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildChatMessages, fenceFor, renderAttachment, SYSTEM_PROMPT } from './chat';

test('fenceFor is longer than any backtick run in the code', () => {
  assert.equal(fenceFor('plain'), '```');
  assert.equal(fenceFor('a ```` b'), '`````');
});

test('renderAttachment heads the block with the path and line range', () => {
  assert.equal(renderAttachment({ path: 'a.ts', languageId: 'typescript', lines: { start: 3, end: 4 }, text: 'x\ny' }),
    'a.ts (lines 3-4):\n```typescript\nx\ny\n```');
});

test('buildChatMessages adds the system prompt and attaches code to the last user turn', () => {
  const msgs = buildChatMessages(
    [{ role: 'user', content: 'first' }, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'why?' }],
    [{ path: 'b.py', text: 'pass\n' }],
  );
  assert.equal(msgs.length, 4);
  assert.deepEqual(msgs[0], { role: 'system', content: SYSTEM_PROMPT });
  assert.equal(msgs[1].content, 'first');
  assert.equal(msgs[3].content, 'b.py:\n```\npass\n```\n\nwhy?');
  // an explicit system prompt is kept, none added
  assert.equal(buildChatMessages([{ role: 'system', content: 's' }, { role: 'user', content: 'q' }]).length, 2);
});
