// Chat prompts rendered from DeepSeek-V3's own chat_template have DeepSeek's known layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepseekV3 } from './testSupport';
import type { ChatMessage } from './api';

const conversation: ChatMessage[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'What is 2+2?' },
  { role: 'assistant', content: '4' },
];

test('3-message conversation: system after BOS, user/assistant markers, EOS after the assistant turn', async () => {
  const tok = await deepseekV3();
  const text = tok.applyChatTemplate(conversation);
  assert.equal(text, '<｜begin▁of▁sentence｜>You are terse.<｜User｜>What is 2+2?<｜Assistant｜>4<｜end▁of▁sentence｜>');
});

test('generation prompt opens an assistant turn after the last user message', async () => {
  const tok = await deepseekV3();
  const messages: ChatMessage[] = [...conversation, { role: 'user', content: 'And 3+3?' }];
  const withPrompt = tok.applyChatTemplate(messages, { addGenerationPrompt: true });
  const without = tok.applyChatTemplate(messages);
  assert.ok(without.endsWith('<｜User｜>And 3+3?'));
  assert.equal(withPrompt, `${without}<｜Assistant｜>`);
});

test('system messages are joined with a blank line in front of the first user turn', async () => {
  const tok = await deepseekV3();
  const text = tok.applyChatTemplate([
    { role: 'system', content: 'A' },
    { role: 'user', content: 'q' },
    { role: 'system', content: 'B' },
  ]);
  assert.equal(text, '<｜begin▁of▁sentence｜>A\n\nB<｜User｜>q');
});

test('the rendered prompt encodes with exactly one BOS and the marker ids', async () => {
  const tok = await deepseekV3();
  const ids = tok.encode(tok.applyChatTemplate(conversation, { addGenerationPrompt: false }));
  assert.equal(ids.filter((id) => id === tok.bosId).length, 1);
  assert.equal(ids[0], tok.bosId);
  assert.equal(ids.at(-1), tok.eosId);
  for (const marker of ['<｜User｜>', '<｜Assistant｜>']) assert.ok(ids.includes(tok.tokenToId(marker)!), marker);
});
