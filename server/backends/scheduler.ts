// One model, many requests: jobs run one at a time, highest priority (lowest number) first, FIFO within one.

/** Rejection of a job whose signal aborted while it was still waiting. */
export class CancelledWhileQueued extends Error {
  constructor() {
    super('cancelled before it started');
    this.name = 'CancelledWhileQueued';
  }
}

interface Waiting {
  priority: number;
  seq: number;
  start: () => void;
  cancel: () => void;
}

export class PriorityScheduler {
  private queue: Waiting[] = [];
  private running = 0;
  private seq = 0;

  /** Jobs waiting plus the one running. */
  get pending(): number {
    return this.queue.length + this.running;
  }

  /** True when a job more urgent than `priority` is waiting: a long job should yield the model to it. */
  hasWaitingAbove(priority: number): boolean {
    return this.queue.some((w) => w.priority < priority);
  }

  /**
   * Runs `job` once the model is free and no more urgent job waits. A job whose signal aborts while queued
   * leaves the queue at once (rejecting with CancelledWhileQueued); a running job must watch the signal itself.
   */
  run<T>(priority: number, signal: AbortSignal | undefined, job: () => Promise<T>): Promise<T> {
    if (signal?.aborted) return Promise.reject(new CancelledWhileQueued());
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        this.queue = this.queue.filter((w) => w !== entry);
        reject(new CancelledWhileQueued());
      };
      const entry: Waiting = {
        priority,
        seq: this.seq++,
        cancel: onAbort,
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          this.running++;
          job().then(resolve, reject).finally(() => {
            this.running--;
            this.next();
          });
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(entry);
      this.queue.sort((a, b) => a.priority - b.priority || a.seq - b.seq);
      this.next();
    });
  }

  private next(): void {
    if (this.running > 0) return;
    const first = this.queue.shift();
    first?.start();
  }
}
