import type * as vscode from 'vscode';
export interface ChatTurn { role: 'user' | 'assistant'; content: string }
export interface ChatContextItem { kind: 'selection' | 'file'; uri: string; languageId: string; text: string;
  label: string /* e.g. "app.ts:10-24" */ }
export interface ChatDeps {
  /** Streams an answer from the sidecar (deepseek/chat); onDelta gets text deltas; resolves to the full answer. */
  chat(turns: ChatTurn[], context: ChatContextItem[], onDelta: (text: string) => void,
       token: vscode.CancellationToken): Promise<string>;
  /** "Apply to file": routes a code block through the edit preview (diff + Accept/Reject). */
  applyCodeBlock(code: string, languageId: string | undefined): Promise<void>;
}
