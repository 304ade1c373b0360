// Checks that a folder holds a model the local engine can load, before the sidecar is pointed at it.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** model_type values of config.json the engine implements (server/engine/api.ts Engine.modelType). */
export const SUPPORTED_MODEL_TYPES = ['deepseek_v3', 'deepseek_v2'] as const;

export type ModelFolderCheck =
  | { ok: true; modelType: string; warnings: string[] }
  | { ok: false; message: string };

/** Reads config.json and lists the folder; never throws for a bad folder, it explains what is wrong. */
export async function validateModelFolder(dir: string): Promise<ModelFolderCheck> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch (err) {
    return { ok: false, message: `${dir}: cannot read the folder (${(err as NodeJS.ErrnoException).code ?? String(err)}).` };
  }
  if (!entries.includes('config.json')) return { ok: false, message: `${dir}: no config.json, so this is not a model folder.` };
  const configPath = path.join(dir, 'config.json');
  let config: unknown;
  try {
    config = JSON.parse(await fs.readFile(configPath, 'utf8'));
  } catch (err) {
    return { ok: false, message: `${configPath}: not valid JSON (${err instanceof Error ? err.message : String(err)}).` };
  }
  const modelType = (config as { model_type?: unknown } | null)?.model_type;
  if (typeof modelType !== 'string') return { ok: false, message: `${configPath}: has no "model_type".` };
  if (!(SUPPORTED_MODEL_TYPES as readonly string[]).includes(modelType)) {
    return { ok: false, message: `${configPath}: model_type "${modelType}" is not supported (supported: ${SUPPORTED_MODEL_TYPES.join(', ')}).` };
  }
  if (!entries.some((f) => f.endsWith('.safetensors'))) return { ok: false, message: `${dir}: no *.safetensors weight files.` };
  const warnings: string[] = [];
  if (!entries.includes('tokenizer.json')) warnings.push(`${dir}: no tokenizer.json; text cannot be encoded.`);
  return { ok: true, modelType, warnings };
}

/** Most-recent-first list of model folders with `dir` moved to the front, capped at `max`. */
export function rememberRecent(recent: readonly string[], dir: string, max = 5): string[] {
  return [dir, ...recent.filter((d) => d !== dir)].slice(0, max);
}
