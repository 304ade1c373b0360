// Decides whether a sidecar that died is restarted: always, unless it keeps crashing (then the user restarts it).
export class RestartPolicy {
  private crashes: number[] = [];

  /** At most maxCrashes crashes within windowMs are restarted automatically. */
  constructor(private readonly maxCrashes = 4, private readonly windowMs = 3 * 60_000) {}

  /** Records a crash at nowMs; true when the sidecar should be started again. */
  shouldRestart(nowMs: number): boolean {
    this.crashes = this.crashes.filter((t) => nowMs - t < this.windowMs);
    this.crashes.push(nowMs);
    return this.crashes.length <= this.maxCrashes;
  }

  /** A deliberate restart (command, settings) starts with a clean slate. */
  reset(): void {
    this.crashes = [];
  }
}
