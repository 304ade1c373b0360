// Starts and supervises the LSP sidecar (dist/server.js) in the extension host's Node, over stdio.
import * as cp from 'node:child_process';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  CloseAction, ErrorAction, LanguageClient, State, type LanguageClientOptions, type ServerOptions,
} from 'vscode-languageclient/node';
import {
  ConfigureNotification, GetStatusRequest, StatusNotification,
  type DeepSeekSettings, type InitializationOptions, type StatusParams,
} from '../../server/protocol';
import type { SidecarView } from '../status/statusText';
import { RestartPolicy } from './restartPolicy';

export class Sidecar implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private child: cp.ChildProcess | undefined;
  private settings: DeepSeekSettings;
  private stopping = false;
  private readonly policy = new RestartPolicy();
  /** Processes we stopped on purpose (their exit is not a crash). */
  private readonly stoppedChildren = new WeakSet<cp.ChildProcess>();
  private viewState: SidecarView = { phase: 'stopped' };
  private waiters: ((c: LanguageClient) => void)[] = [];
  private readonly viewEmitter = new vscode.EventEmitter<SidecarView>();
  /** Fires on every process/server state change and every deepseek/status notification. */
  readonly onDidChangeView = this.viewEmitter.event;

  constructor(private readonly serverModule: string, private readonly output: vscode.LogOutputChannel,
              initialSettings: DeepSeekSettings) {
    this.settings = initialSettings;
  }

  get view(): SidecarView { return this.viewState; }
  /** Pid of the running sidecar process. */
  get pid(): number | undefined { return this.child?.exitCode === null ? this.child.pid : undefined; }
  /** The client when it has answered initialize. */
  get runningClient(): LanguageClient | undefined { return this.client?.state === State.Running ? this.client : undefined; }
  get currentSettings(): DeepSeekSettings { return this.settings; }

  /** Resolves with the client once the sidecar has answered initialize (now or after a (re)start). */
  whenReady(): Promise<LanguageClient> {
    const running = this.runningClient;
    return running ? Promise.resolve(running) : new Promise((resolve) => this.waiters.push(resolve));
  }

  async start(): Promise<void> {
    if (this.client) return;
    this.stopping = false;
    if (!existsSync(this.serverModule)) {
      const message = `${this.serverModule} is missing: build the extension first (npm run build).`;
      this.output.error(message);
      this.setView({ phase: 'stopped', message });
      return;
    }
    const client = new LanguageClient('deepseekLocal', 'DeepSeek Local', this.serverOptions(), this.clientOptions());
    this.client = client;
    client.onDidChangeState((e) => this.onStateChange(client, e.newState));
    // Registered before start: the client re-installs them on every automatic restart.
    client.onNotification(StatusNotification, (s) => this.setView({ phase: 'running', status: s }));
    this.setView({ phase: 'starting' });
    try {
      await client.start();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.output.error(`Sidecar failed to start: ${message}`);
      this.setView({ phase: 'stopped', message });
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    const child = this.child;
    this.client = undefined;
    this.stopping = true;
    if (child) this.stoppedChildren.add(child);
    if (client) {
      try {
        if (client.needsStop()) await client.stop(3000);
      } catch (err) {
        this.output.warn(`Sidecar did not stop cleanly: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (child) {
      // Give it a moment to exit after the LSP exit notification; one stuck in a generation must not outlive us.
      if (!await exited(child, 2000)) child.kill();
    }
    this.setView({ phase: 'stopped' });
  }

  /** Manual restart (command or a change that needs a fresh process): forgets previous crashes. */
  async restart(): Promise<void> {
    this.output.info('Restarting the sidecar.');
    this.policy.reset();
    await this.stop();
    await this.start();
  }

  /** New settings: sent at once to a running sidecar; used as initializationOptions on the next start. */
  configure(settings: DeepSeekSettings): void {
    this.settings = settings;
    const client = this.runningClient;
    if (client) void client.sendNotification(ConfigureNotification, settings).catch((err: unknown) => this.output.error(`deepseek/configure failed: ${String(err)}`));
  }

  async refreshStatus(): Promise<StatusParams | undefined> {
    const client = this.runningClient;
    if (!client) return undefined;
    const status = await client.sendRequest(GetStatusRequest, undefined);
    this.setView({ phase: 'running', status });
    return status;
  }

  dispose(): void {
    void this.stop();
    this.viewEmitter.dispose();
  }

  /** Forks dist/server.js ourselves (rather than a NodeModule option) so its pid and exit are observable. */
  private serverOptions(): ServerOptions {
    return async () => {
      const child = cp.fork(this.serverModule, ['--stdio', `--clientProcessId=${process.pid}`], {
        execArgv: [],
        silent: true,
        // Inside VS Code process.execPath is Electron: run it as plain Node.
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ELECTRON_NO_ASAR: '1' },
      });
      this.child = child;
      this.output.info(`Sidecar started (pid ${child.pid}): ${this.serverModule}`);
      child.on('exit', (code, signal) => {
        const expected = this.stopping || this.stoppedChildren.has(child);
        const how = `Sidecar pid ${child.pid} exited (${signal ?? `code ${code}`})${expected ? '' : ' unexpectedly'}.`;
        this.output.info(how);
        // Also in the extension host's log, where test harnesses and bug reports can see it.
        if (!expected) console.warn(`[deepseek-local] ${how}`);
      });
      return child;
    };
  }

  private clientOptions(): LanguageClientOptions {
    return {
      documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
      outputChannel: this.output,
      // A function: the client evaluates it on every (automatic) restart, so restarts use current settings.
      initializationOptions: (): InitializationOptions => ({ settings: this.settings }),
      errorHandler: {
        error: (_error, _message, count) => ({ action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
        closed: () => {
          if (this.stopping) return { action: CloseAction.DoNotRestart, handled: true };
          const again = this.policy.shouldRestart(Date.now());
          this.output.warn(again ? 'The sidecar died; restarting it.' : 'The sidecar keeps crashing; not restarting it.');
          if (!again) {
            void vscode.window.showErrorMessage('DeepSeek Local: the sidecar keeps crashing.', 'Show log', 'Restart')
              .then((choice) => {
                if (choice) void vscode.commands.executeCommand(choice === 'Restart' ? 'deepseekLocal.restartSidecar' : 'deepseekLocal.showLog');
              });
          }
          return { action: again ? CloseAction.Restart : CloseAction.DoNotRestart, handled: true };
        },
      },
    };
  }

  private onStateChange(client: LanguageClient, state: State): void {
    if (client !== this.client) return;
    if (state === State.Starting) this.setView({ phase: 'starting' });
    else if (state === State.Stopped) this.setView({ phase: 'stopped' });
    else if (state === State.Running) {
      this.setView({ phase: 'running', status: undefined });
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w(client);
      void this.refreshStatus().catch((err: unknown) => this.output.warn(`deepseek/getStatus failed: ${String(err)}`));
    }
  }

  private setView(view: SidecarView): void {
    // A status notification that raced a stop must not resurrect the "running" view.
    if (view.phase === 'running' && this.client?.state !== State.Running) return;
    this.viewState = view;
    this.viewEmitter.fire(view);
  }
}

/** Resolves true once `child` has exited, false if it is still running after timeoutMs. */
function exited(child: cp.ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => { child.off('exit', onExit); resolve(false); }, timeoutMs);
    const onExit = () => { clearTimeout(timer); resolve(true); };
    child.once('exit', onExit);
  });
}
