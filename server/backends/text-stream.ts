// Turns generated pieces into the caller's stream: applies stop strings, holds back possible stop prefixes,
// and asks the caller whether to go on.
import { findStop, pendingStopLength } from './stop-strings';

export class TextStream {
  /** Everything generated (before stop-string truncation). */
  private raw = '';
  /** Length of `raw` already passed to onText. */
  private sent = 0;
  /** Set once a stop string was seen or the caller said stop. */
  stopped = false;

  constructor(
    private readonly stops: readonly string[] | undefined,
    private readonly onText: ((delta: string, text: string) => boolean | void) | undefined,
  ) {}

  /** The text so far, cut at the first stop string. */
  get text(): string {
    const at = findStop(this.raw, this.stops);
    return at < 0 ? this.raw : this.raw.slice(0, at);
  }

  /** Adds a piece; returns false when generation should stop. */
  push(piece: string): boolean {
    if (this.stopped) return false;
    this.raw += piece;
    const at = findStop(this.raw, this.stops);
    const visibleEnd = at >= 0 ? at : this.raw.length - pendingStopLength(this.raw, this.stops);
    if (at >= 0) this.stopped = true;
    if (visibleEnd > this.sent) {
      const delta = this.raw.slice(this.sent, visibleEnd);
      this.sent = visibleEnd;
      if (this.onText?.(delta, this.raw.slice(0, visibleEnd)) === false) this.stopped = true;
    }
    return !this.stopped;
  }

  /** End of generation: releases text held back for a stop string that never completed. */
  finish(): void {
    const end = this.text.length;
    if (end > this.sent && !this.stopped) {
      const delta = this.raw.slice(this.sent, end);
      this.sent = end;
      this.onText?.(delta, this.raw.slice(0, end));
    }
  }
}
