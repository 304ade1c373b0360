// Backend factory: settings in, a ready backend out.
import type { Backend } from './api';
import { BackendError } from './api';
import { LocalBackend } from './local';
import { OpenAIBackend } from './openai';

export type { Backend, BackendResult, FimInput, GenerateOptions } from './api';
export { BackendError, Priority } from './api';
export { LocalBackend } from './local';
export { OpenAIBackend } from './openai';

export interface BackendConfig {
  backend: 'local' | 'openai';
  modelDir?: string;
  endpoint?: string;
  model?: string;
  apiKey?: string;
  threads?: number;
  device?: 'cpu' | 'cuda';
}

/** Loads the configured backend; a missing setting is an error naming it. */
export async function createBackend(cfg: BackendConfig, onProgress?: (loaded: number, total: number) => void): Promise<Backend> {
  if (cfg.backend === 'local') {
    if (!cfg.modelDir) throw new BackendError("setting 'modelDir' is required for the local backend");
    return LocalBackend.load(cfg.modelDir, { threads: cfg.threads || undefined, device: cfg.device, onProgress });
  }
  if (!cfg.endpoint) throw new BackendError("setting 'endpoint' is required for the openai backend");
  return new OpenAIBackend({ endpoint: cfg.endpoint, model: cfg.model || 'deepseek-chat', apiKey: cfg.apiKey });
}
