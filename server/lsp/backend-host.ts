// Owns the one backend of the server: loads it from the settings, reloads on relevant changes, reports status.
import { ResponseError } from 'vscode-languageserver';
import type { Backend } from '../backends/api';
import { createBackend } from '../backends/index';
import { DeepSeekSettings, ErrorCodes } from '../protocol';
import { StatusReporter } from './status';
import { backendKey, DEFAULT_SETTINGS, mergeSettings, ResolvedSettings } from './settings';

export class BackendHost {
  settings: ResolvedSettings = DEFAULT_SETTINGS;
  private backend: Backend | undefined;
  private loadedKey: string | undefined;
  private loadSeq = 0;
  private loadError: string | undefined;
  /** Resolves when the current load attempt finishes (successfully or not). */
  loading: Promise<void> = Promise.resolve();

  constructor(
    private readonly status: StatusReporter,
    private readonly onReady: (backend: Backend) => void,
    private readonly log: (msg: string) => void,
  ) {}

  /** The ready backend, or a NotReady error saying why there is none. */
  require(): Backend {
    if (this.backend) return this.backend;
    const why = this.loadError ?? (this.status.status.state === 'loading' ? 'the model is still loading' : 'no backend is configured');
    throw new ResponseError(ErrorCodes.NotReady, `DeepSeek backend not ready: ${why}`);
  }

  get current(): Backend | undefined {
    return this.backend;
  }

  /** Applies a (validated) settings update; loads a new backend when its identity changed. */
  configure(update: DeepSeekSettings): void {
    this.settings = mergeSettings(this.settings, update);
    const key = backendKey(this.settings);
    const configured = this.settings.backend === 'local' ? !!this.settings.modelDir : !!this.settings.endpoint;
    if (key === this.loadedKey) return;
    this.loadedKey = key;
    if (!configured) {
      this.unload();
      this.status.set({ state: 'unconfigured', backend: this.settings.backend });
      return;
    }
    this.loading = this.load();
  }

  private unload(): void {
    this.loadSeq++;
    this.backend?.dispose();
    this.backend = undefined;
  }

  private async load(): Promise<void> {
    this.unload();
    const seq = this.loadSeq;
    const s = this.settings;
    const base = { backend: s.backend, model: s.backend === 'local' ? s.modelDir : s.model };
    this.loadError = undefined;
    this.status.set({ ...base, state: 'loading' });
    try {
      const backend = await createBackend(s, (loaded, total) => {
        if (seq === this.loadSeq) this.status.loading(loaded, total, base);
      });
      if (seq !== this.loadSeq) return backend.dispose(); // superseded by a newer configuration
      this.backend = backend;
      this.status.set({ ...base, model: backend.model, state: 'ready' });
      this.log(`backend ready: ${s.backend} ${backend.model}`);
      this.onReady(backend);
    } catch (err) {
      if (seq !== this.loadSeq) return;
      this.loadError = err instanceof Error ? err.message : String(err);
      this.log(`backend failed to load: ${this.loadError}`);
      this.status.set({ ...base, state: 'error', message: this.loadError });
    }
  }

  dispose(): void {
    this.unload();
  }
}
