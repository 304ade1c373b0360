// The deepseek/status notification: one place that knows the server's state and tells the client.
import type { Connection } from 'vscode-languageserver';
import type { BackendResult } from '../backends/api';
import { RequestTiming, StatusNotification, StatusParams } from '../protocol';

export class StatusReporter {
  private current: StatusParams = { state: 'unconfigured' };
  private active = 0;
  private lastProgressAt = 0;

  constructor(private readonly connection: Connection) {}

  private last: RequestTiming | undefined;

  /** The current state, with the timing of the last finished request (for deepseek/getStatus). */
  get status(): StatusParams {
    return { ...this.current, pending: this.active, lastRequest: this.last };
  }

  /** Replaces the state (and its detail fields); `lastRequest` is only sent by the notification of its request's end. */
  set(next: StatusParams): void {
    const { lastRequest, ...rest } = next;
    this.current = { ...rest, tokensPerSecond: next.tokensPerSecond ?? this.current.tokensPerSecond };
    if (lastRequest) this.last = lastRequest;
    this.send(lastRequest);
  }

  /** Weight-loading progress, at most ten notifications a second (and always the last one). */
  loading(loadedBytes: number, totalBytes: number, base: Omit<StatusParams, 'state'>): void {
    const now = Date.now();
    if (now - this.lastProgressAt < 100 && loadedBytes < totalBytes) return;
    this.lastProgressAt = now;
    this.set({ ...base, state: 'loading', loadedBytes, totalBytes });
  }

  /** A request starts using the model. */
  begin(): void {
    this.active++;
    // only a change of state is worth a notification here; end() reports the rest
    if (this.current.state === 'ready') this.set({ ...this.current, state: 'busy' });
  }

  /** A request finished; `result` (when it generated) gives the timing. */
  end(kind: RequestTiming['kind'], result?: BackendResult): void {
    this.active = Math.max(0, this.active - 1);
    const lastRequest: RequestTiming | undefined = result && {
      kind,
      firstTokenMs: result.firstTokenMs,
      totalMs: result.totalMs,
      promptTokens: result.promptTokens,
      reusedTokens: result.reusedTokens,
      completionTokens: result.completionTokens,
      stopReason: result.stopReason,
    };
    const state = this.current.state === 'busy' && this.active === 0 ? 'ready' : this.current.state;
    this.set({ ...this.current, state, lastRequest, tokensPerSecond: result?.tokensPerSecond });
  }

  private send(lastRequest?: RequestTiming): void {
    void this.connection.sendNotification(StatusNotification, { ...this.current, pending: this.active, lastRequest }).catch(() => undefined);
  }
}
