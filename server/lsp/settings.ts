// Effective settings: defaults, merging of partial updates, and which changes need a new backend.
import type { DeepSeekSettings } from '../protocol';

export interface ResolvedSettings {
  backend: 'local' | 'openai';
  modelDir?: string;
  endpoint?: string;
  model?: string;
  apiKey?: string;
  maxTokens: number;
  temperature: number;
  editFormat: 'auto' | 'search-replace' | 'udiff' | 'whole';
  /** local backend: grammar-constrained SEARCH/REPLACE edit answers. */
  constrainedEdits: boolean;
  threads?: number;
  device: 'cpu' | 'cuda';
  completion: { enabled: boolean; debounceMs: number; maxTokens: number; contextTokens: number };
}

export const DEFAULT_SETTINGS: ResolvedSettings = {
  backend: 'local',
  maxTokens: 2048,
  temperature: 0,
  editFormat: 'auto',
  constrainedEdits: true,
  device: 'cpu',
  completion: { enabled: true, debounceMs: 150, maxTokens: 64, contextTokens: 1536 },
};

/** Checks one field's type; a wrong one is an error naming the field (silently keeping a typo helps nobody). */
function check(ok: boolean, field: string, want: string): void {
  if (!ok) throw new Error(`setting '${field}' must be ${want}`);
}

/** Validates an update from the client (initializationOptions, configure, didChangeConfiguration). */
export function validateSettings(input: unknown): DeepSeekSettings {
  if (input === undefined || input === null) return {};
  check(typeof input === 'object' && !Array.isArray(input), 'settings', 'an object');
  const s = input as Record<string, unknown>;
  const str = (f: string) => check(s[f] === undefined || s[f] === null || typeof s[f] === 'string', f, 'a string');
  const num = (obj: Record<string, unknown>, f: string, prefix = '') =>
    check(obj[f] === undefined || obj[f] === null || (typeof obj[f] === 'number' && Number.isFinite(obj[f] as number) && (obj[f] as number) >= 0), prefix + f, 'a non-negative number');
  check(s.backend === undefined || s.backend === 'local' || s.backend === 'openai', 'backend', "'local' or 'openai'");
  for (const f of ['modelDir', 'endpoint', 'model', 'apiKey']) str(f);
  for (const f of ['maxTokens', 'temperature', 'threads']) num(s, f);
  check(s.editFormat === undefined || ['auto', 'search-replace', 'udiff', 'whole'].includes(s.editFormat as string), 'editFormat', "'auto', 'search-replace', 'udiff' or 'whole'");
  check(s.constrainedEdits === undefined || s.constrainedEdits === null || typeof s.constrainedEdits === 'boolean', 'constrainedEdits', 'a boolean');
  check(s.device === undefined || s.device === 'cpu' || s.device === 'cuda', 'device', "'cpu' or 'cuda'");
  if (s.completion !== undefined && s.completion !== null) {
    check(typeof s.completion === 'object', 'completion', 'an object');
    const c = s.completion as Record<string, unknown>;
    check(c.enabled === undefined || typeof c.enabled === 'boolean', 'completion.enabled', 'a boolean');
    for (const f of ['debounceMs', 'maxTokens', 'contextTokens']) num(c, f, 'completion.');
  }
  // null = "not set here": keep the current value; '' clears a text setting (e.g. a removed API key)
  const clean = Object.fromEntries(Object.entries(s).filter(([, v]) => v !== null)) as DeepSeekSettings;
  if (clean.completion) clean.completion = Object.fromEntries(Object.entries(clean.completion).filter(([, v]) => v !== null)) as DeepSeekSettings['completion'];
  return clean;
}

/** `base` with the fields of `update` that are set. */
export function mergeSettings(base: ResolvedSettings, update: DeepSeekSettings): ResolvedSettings {
  const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  const { completion, ...rest } = update;
  return { ...base, ...defined(rest), completion: { ...base.completion, ...defined(completion ?? {}) } } as ResolvedSettings;
}

/** What identifies a loaded backend: a change here means unload and load again. */
export function backendKey(s: ResolvedSettings): string {
  return s.backend === 'local'
    ? JSON.stringify(['local', s.modelDir ?? '', s.threads ?? 0, s.device])
    : JSON.stringify(['openai', s.endpoint ?? '', s.model ?? '', s.apiKey ?? '']);
}
