// What the status-bar item says for each sidecar state (vscode-free; the item itself is in statusBar.ts).
import type { StatusParams } from '../../server/protocol';

/** The sidecar's state as the extension sees it: the server's states plus the process lifecycle. */
export type SidecarView =
  | { phase: 'starting' }
  | { phase: 'stopped'; message?: string }
  | { phase: 'running'; status: StatusParams | undefined };

export interface StatusPresentation {
  text: string;
  tooltip: string;
  /** Problem states are shown with the error background. */
  severity: 'normal' | 'warning' | 'error';
  /** Command run on click. */
  command: string;
}

export interface StatusExtras {
  completionsEnabled: boolean;
  /** Last decode speed seen, kept across states so "ready" can still show it. */
  lastTokensPerSecond?: number;
}

export function loadingPercent(s: StatusParams): number | undefined {
  if (!s.totalBytes || s.loadedBytes === undefined) return undefined;
  return Math.max(0, Math.min(100, Math.floor((100 * s.loadedBytes) / s.totalBytes)));
}

function speed(tps: number | undefined): string {
  return tps !== undefined && tps > 0 ? ` · ${tps >= 10 ? tps.toFixed(0) : tps.toFixed(1)} tok/s` : '';
}

/** Text contains "DeepSeek" always and "ready" exactly when requests can be served (tests wait for it). */
export function presentStatus(view: SidecarView, extras: StatusExtras): StatusPresentation {
  const off = extras.completionsEnabled ? '' : ' (completions off)';
  if (view.phase === 'starting') {
    return { text: '$(sync~spin) DeepSeek starting', tooltip: 'Starting the DeepSeek Local sidecar…', severity: 'normal', command: 'deepseekLocal.showLog' };
  }
  if (view.phase === 'stopped') {
    return { text: '$(debug-disconnect) DeepSeek stopped', tooltip: `The sidecar is not running${view.message ? `: ${view.message}` : ''}. Click to restart.`, severity: 'error', command: 'deepseekLocal.restartSidecar' };
  }
  const s = view.status;
  // Initialize answered but no status yet: the server is up and takes requests.
  if (!s) return { text: `$(check) DeepSeek ready${off}`, tooltip: 'DeepSeek Local sidecar is running.', severity: 'normal', command: 'deepseekLocal.selectModel' };
  const model = s.model ? `\nModel: ${s.model}` : '';
  const backend = s.backend ? `\nBackend: ${s.backend}` : '';
  switch (s.state) {
    case 'unconfigured':
      return { text: '$(gear) DeepSeek: select a model', tooltip: `No model configured.${s.message ? `\n${s.message}` : ''}\nClick to select one.`, severity: 'warning', command: 'deepseekLocal.selectModel' };
    case 'loading': {
      const pct = loadingPercent(s);
      return { text: `$(sync~spin) DeepSeek loading${pct === undefined ? '' : ` ${pct}%`}`, tooltip: `Loading the model…${model}${backend}`, severity: 'normal', command: 'deepseekLocal.showLog' };
    }
    case 'ready':
      return { text: `$(check) DeepSeek ready${speed(s.tokensPerSecond ?? extras.lastTokensPerSecond)}${off}`, tooltip: `Ready.${model}${backend}${s.message ? `\n${s.message}` : ''}`, severity: 'normal', command: 'deepseekLocal.selectModel' };
    case 'busy':
      return { text: `$(loading~spin) DeepSeek generating${speed(s.tokensPerSecond ?? extras.lastTokensPerSecond)}`, tooltip: `Generating${s.pending ? ` (${s.pending} request${s.pending === 1 ? '' : 's'})` : ''}…${model}`, severity: 'normal', command: 'deepseekLocal.showLog' };
    case 'error':
      return { text: '$(error) DeepSeek error', tooltip: `${s.message ?? 'The backend failed.'}${model}\nClick for the log.`, severity: 'error', command: 'deepseekLocal.showLog' };
  }
}
