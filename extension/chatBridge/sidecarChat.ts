// The chat view's ChatDeps.chat: one deepseek/chat request whose answer streams back as $/progress partials.
import type * as vscode from 'vscode';
import { ProgressType } from 'vscode-languageclient/node';
import { ChatRequest, type ChatContext, type ChatPartial } from '../../server/protocol';
import type { ChatContextItem, ChatTurn } from '../chat/types';
import type { Sidecar } from '../sidecar/sidecar';

const chatPartial = new ProgressType<ChatPartial>();
let tokenCounter = 0;

/** Chat context as the protocol carries it (the text travels along: the file may be unsaved or unopened). */
function toProtocolContext(items: readonly ChatContextItem[]): ChatContext[] {
  return items.map((c) => ({ uri: c.uri, languageId: c.languageId, text: c.text }));
}

export async function sidecarChat(sidecar: Sidecar, turns: ChatTurn[], context: ChatContextItem[],
                                  onDelta: (text: string) => void, token: vscode.CancellationToken): Promise<string> {
  const client = sidecar.runningClient;
  if (!client) throw new Error('The DeepSeek sidecar is not running (see "DeepSeek: Show log").');
  const partialResultToken = `deepseek-chat-${process.pid}-${++tokenCounter}`;
  let streamed = '';
  const sub = client.onProgress(chatPartial, partialResultToken, (p) => {
    if (!p.delta) return;
    streamed += p.delta;
    onDelta(p.delta);
  });
  try {
    // Cancelling the token sends $/cancelRequest; the server then answers with the text so far.
    const result = await client.sendRequest(ChatRequest, { messages: turns, context: toProtocolContext(context), partialResultToken }, token);
    // Partials may lag the result: deliver whatever the stream did not.
    if (result.text.startsWith(streamed) && result.text.length > streamed.length) onDelta(result.text.slice(streamed.length));
    return result.text;
  } finally {
    sub.dispose();
  }
}
