// Maps the user's `deepseekLocal.*` settings to the sidecar's DeepSeekSettings (vscode-free so it is unit-tested).
import * as os from 'node:os';
import * as path from 'node:path';
import type { BackendKind, DeepSeekSettings, EditFormatSetting } from '../../server/protocol';

/** The configuration section every setting lives under. */
export const SECTION = 'deepseekLocal';

/** Reads one setting below SECTION (e.g. "completion.enabled"); undefined when unset. */
export type SettingsReader = (key: string) => unknown;

const BACKENDS: readonly BackendKind[] = ['local', 'openai'];
const EDIT_FORMATS: readonly EditFormatSetting[] = ['auto', 'search-replace', 'udiff', 'whole'];
const DEVICES = ['cpu', 'cuda'] as const;

/** Settings whose change makes the sidecar reload its backend (everything else applies to the next request). */
export const RELOADING_KEYS = ['backend', 'modelDir', 'endpoint', 'model', 'threads', 'device'] as const;

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** "~/models/x" → "/home/me/models/x"; relative paths resolve against the first workspace folder when given. */
export function expandModelDir(dir: string, workspaceRoot?: string, home = os.homedir()): string {
  if (dir === '~') return home;
  if (dir.startsWith('~/') || dir.startsWith('~\\')) return path.join(home, dir.slice(2));
  if (!path.isAbsolute(dir) && workspaceRoot) return path.resolve(workspaceRoot, dir);
  return dir;
}

export interface ReadSettingsOptions {
  /** From SecretStorage; never from settings. */
  apiKey?: string;
  workspaceRoot?: string;
  /** Used as modelDir when the local backend has none configured (the bundled/test demo model). */
  demoModelDir?: string;
}

/**
 * Builds the full settings object the sidecar gets in initializationOptions and deepseek/configure.
 * The server merges updates and keeps fields that are absent, so cleared values are sent explicitly:
 * '' for text (modelDir, endpoint, model, apiKey), 0 for "automatic" numbers (threads, debounceMs).
 */
export function readSettings(get: SettingsReader, opts: ReadSettingsOptions = {}): DeepSeekSettings {
  const backend = oneOf(get('backend'), BACKENDS) ?? 'local';
  const configuredDir = nonEmpty(get('modelDir'));
  const modelDir = (configuredDir ? expandModelDir(configuredDir, opts.workspaceRoot) : opts.demoModelDir) ?? '';
  const debounce = get('completion.debounceMs');
  const threads = get('threads');
  const temperature = get('temperature');
  const settings: DeepSeekSettings = {
    backend,
    modelDir,
    endpoint: nonEmpty(get('endpoint')) ?? '',
    model: nonEmpty(get('model')) ?? '',
    apiKey: opts.apiKey ?? '',
    maxTokens: positiveNumber(get('maxTokens')),
    temperature: typeof temperature === 'number' && temperature >= 0 ? temperature : undefined,
    editFormat: oneOf(get('editFormat'), EDIT_FORMATS) ?? 'auto',
    constrainedEdits: get('constrainedEdits') !== false,
    threads: typeof threads === 'number' && Number.isInteger(threads) && threads > 0 ? threads : 0,
    device: oneOf(get('device'), DEVICES) ?? 'cpu',
    completion: {
      enabled: get('completion.enabled') !== false,
      debounceMs: positiveNumber(debounce) ?? 0,
    },
  };
  return settings;
}

/** Fixed debounce from the setting, or undefined for the adaptive policy (0 or absent). */
export function fixedDebounceMs(get: SettingsReader): number | undefined {
  return positiveNumber(get('completion.debounceMs'));
}

/** Whether completions run for this language (global switch and per-language list). */
export function completionsEnabledFor(get: SettingsReader, languageId: string): boolean {
  if (get('completion.enabled') === false) return false;
  const disabled = get('completion.disabledLanguages');
  return !(Array.isArray(disabled) && disabled.includes(languageId));
}

/** The disabled-language list after toggling one language (sorted, no duplicates). */
export function toggleLanguage(disabled: readonly string[] | undefined, languageId: string): string[] {
  const set = new Set(disabled ?? []);
  if (set.has(languageId)) set.delete(languageId);
  else set.add(languageId);
  return [...set].sort();
}

/** A human-readable problem with the settings (shown before starting), or undefined when usable. */
export function settingsProblem(s: DeepSeekSettings): string | undefined {
  if (s.backend === 'openai') {
    if (!s.endpoint) return 'deepseekLocal.endpoint is empty: set the URL of an OpenAI-compatible server (e.g. http://127.0.0.1:8000/v1).';
    try {
      const url = new URL(s.endpoint);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return `deepseekLocal.endpoint must be http(s): ${s.endpoint}`;
    } catch {
      return `deepseekLocal.endpoint is not a URL: ${s.endpoint}`;
    }
    return undefined;
  }
  if (!s.modelDir) return 'No model folder: run "DeepSeek: Select model" or set deepseekLocal.modelDir.';
  return undefined;
}
