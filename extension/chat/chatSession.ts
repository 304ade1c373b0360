// Host-side chat controller: owns the active conversation, runs requests, streams deltas to the view.
// Free of runtime vscode imports so it runs under node:test; chatView.ts supplies the VS Code pieces.
import { randomUUID } from 'node:crypto';
import type * as vscode from 'vscode';
import type { ChatContextItem, ChatDeps } from './types';
import type { Conversation, ConversationEvent } from './conversation';
import { applyEvent, newConversation, toTurns } from './conversation';
import type { HostToWebview } from './messages';
import type { ConversationStore } from './history';

/** The part of vscode.CancellationTokenSource the session uses. */
export interface TokenSource {
  readonly token: vscode.CancellationToken;
  cancel(): void;
  dispose(): void;
}

export interface ChatSessionOptions {
  deps: ChatDeps;
  store: ConversationStore;
  /** Sends to the webview; dropped silently while no view is open (it gets a snapshot on load). */
  post(message: HostToWebview): void;
  createTokenSource(): TokenSource;
  /** Deltas arriving within this many ms are sent as one message (fewer re-renders). */
  flushMs?: number;
  now?(): number;
  newId?(): string;
}

interface Run {
  conversationId: string;
  messageId: string;
  source: TokenSource;
  settled: boolean;
  pending: string;
  timer?: ReturnType<typeof setTimeout>;
  onSettled?: () => void;
}

/** Turns a failed request into the line shown under the answer. */
export function describeChatError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const down = ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOENT'].includes(String(code)) ||
    /ECONNREFUSED|connection (is |got )?(closed|disposed)|not running|server.*(exited|stopped)/i.test(message);
  if (/sidecar/i.test(message)) return message; // already worded for the user
  if (down) return `The DeepSeek sidecar is not running or stopped responding (${message}).`;
  return message || 'The request failed.';
}

export class ChatSession {
  private current: Conversation;
  private run: Run | undefined;
  private readonly flushMs: number;
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(private readonly opts: ChatSessionOptions) {
    this.flushMs = opts.flushMs ?? 30;
    this.now = opts.now ?? Date.now;
    this.newId = opts.newId ?? randomUUID;
    const activeId = opts.store.activeId();
    this.current = (activeId && opts.store.get(activeId)) || newConversation(this.newId(), this.now());
  }

  get conversation(): Conversation {
    return this.current;
  }

  get busy(): boolean {
    return this.run !== undefined;
  }

  /** Sends `text` (with the attached context) and streams the answer; resolves when it is settled. */
  async send(text: string, context: ChatContextItem[]): Promise<void> {
    const prompt = text.trim();
    if (!prompt) return;
    if (this.run) await this.stop();
    const conversationId = this.current.id;
    this.apply({ kind: 'userMessage', id: this.newId(), content: prompt, context: context.map((c) => c.label), at: this.now() });
    const turns = toTurns(this.current);
    const messageId = this.newId();
    this.apply({ kind: 'assistantStart', id: messageId, at: this.now() });
    const source = this.opts.createTokenSource();
    const run: Run = { conversationId, messageId, source, settled: false, pending: '' };
    this.run = run;
    this.opts.post({ type: 'busy', busy: true });
    await this.persist();
    if (run.settled) return; // stopped while saving

    const onDelta = (delta: string) => {
      if (run.settled || typeof delta !== 'string' || !delta) return;
      run.pending += delta;
      run.timer ??= setTimeout(() => this.flush(run), this.flushMs);
    };
    // Resolves when the answer is settled: by the engine finishing, failing, or by Stop (whichever is first),
    // so a request that ignores cancellation cannot hang the caller.
    const settled = new Promise<void>((resolve) => (run.onSettled = resolve));
    const answered = new Promise<string>((resolve) => resolve(this.opts.deps.chat(turns, context, onDelta, source.token))).then(
      (answer) => source.token.isCancellationRequested
        ? this.settle(run, 'cancelled')
        : this.settle(run, 'done', undefined, typeof answer === 'string' ? answer : undefined),
      (err: unknown) => source.token.isCancellationRequested
        ? this.settle(run, 'cancelled')
        : this.settle(run, 'error', describeChatError(err)),
    );
    await Promise.race([answered, settled]);
  }

  /** Cancels the running request; the answer so far stays, marked cancelled. */
  async stop(): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.source.cancel();
    // Settle now rather than when the engine notices, so Stop feels immediate.
    await this.settle(run, 'cancelled');
  }

  /** Starts an empty conversation (the current one stays in the history). */
  async newChat(): Promise<void> {
    await this.stop();
    await this.switchTo(newConversation(this.newId(), this.now()));
  }

  /** Makes a stored conversation the current one; false if it does not exist. */
  async open(id: string): Promise<boolean> {
    if (id === this.current.id) return true;
    const c = this.opts.store.get(id);
    if (!c) return false;
    await this.stop();
    await this.switchTo(c);
    return true;
  }

  /** Removes a stored conversation; deleting the current one starts a new chat. */
  async delete(id: string): Promise<void> {
    if (id === this.current.id) {
      await this.stop();
      await this.opts.store.delete(id);
      await this.switchTo(newConversation(this.newId(), this.now()));
    } else {
      await this.opts.store.delete(id);
    }
  }

  private async switchTo(c: Conversation): Promise<void> {
    this.current = c;
    await this.opts.store.setActive(c.id);
  }

  private apply(event: ConversationEvent): void {
    this.current = applyEvent(this.current, event);
    this.opts.post({ type: 'event', conversationId: this.current.id, event });
  }

  private flush(run: Run): void {
    if (run.timer) clearTimeout(run.timer);
    run.timer = undefined;
    if (!run.pending || run.conversationId !== this.current.id) return;
    const text = run.pending;
    run.pending = '';
    this.apply({ kind: 'delta', id: run.messageId, text });
  }

  private async settle(run: Run, state: 'done' | 'cancelled' | 'error', error?: string, content?: string): Promise<void> {
    if (run.settled) return;
    this.flush(run);
    run.settled = true;
    if (this.run === run) this.run = undefined;
    run.source.dispose();
    if (run.conversationId === this.current.id) {
      this.apply({ kind: 'finish', id: run.messageId, state, error, content, at: this.now() });
      await this.persist();
    }
    this.opts.post({ type: 'busy', busy: this.run !== undefined });
    run.onSettled?.();
  }

  private async persist(): Promise<void> {
    await this.opts.store.save(this.current);
    await this.opts.store.setActive(this.current.id);
    this.opts.post({ type: 'history', history: this.opts.store.summaries() });
  }
}
