// Timed runs against a loaded engine: decode rate, prefill rate, keystroke re-completion with prefix reuse.
import type { Engine } from '../engine/api';
import { engineInfo } from '../engine/index';
import { seededRandom } from '../engine/sampler';

/** `n` seeded token ids in [0, vocab). */
function randomTokens(n: number, vocab: number, seed: number): number[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => Math.floor(r() * vocab));
}

let seedCounter = 1000;
const freshPrompt = (e: Engine, n: number): number[] => randomTokens(n, e.vocabSize, ++seedCounter);

export function setThreads(e: Engine, n: number): void {
  engineInfo(e)!.setThreads(n);
}

/**
 * Decoded tokens per second at `threads`: the best of `rounds` runs of tokens/rounds forward steps after a
 * warm-up (on a shared machine the best run is the one least disturbed by other processes).
 */
export async function decodeRate(e: Engine, threads: number, tokens: number, rounds = 3): Promise<{ best: number; mean: number }> {
  setThreads(e, threads);
  await e.generate({ prompt: freshPrompt(e, 4), maxTokens: 3, ignoreEos: true }); // warm-up
  const per = Math.max(2, Math.round(tokens / rounds));
  const rates: number[] = [];
  let steps = 0, ms = 0;
  for (let i = 0; i < rounds; i++) {
    const r = await e.generate({ prompt: freshPrompt(e, 8), maxTokens: per + 1, ignoreEos: true });
    rates.push(((r.tokens.length - 1) * 1000) / r.decodeMs); // the first token comes from the prompt's logits
    steps += r.tokens.length - 1;
    ms += r.decodeMs;
  }
  return { best: Math.max(...rates), mean: (steps * 1000) / ms };
}

export interface ProbedDecode {
  best: number;
  mean: number;
  /** Per round: its decode rate × bytes per token / the faster of the bandwidth probes right before and after it. */
  fractions: number[];
  /** Per round: that faster probe, bytes/s. */
  limits: number[];
}

/**
 * Decode rate against the memory bandwidth of the same moments: `rounds` times a bandwidth probe, a decode of
 * tokens/rounds steps, another probe. On a shared machine whose bandwidth swings from second to second, each
 * round's fraction compares like with like; the median of the rounds is the figure to report.
 */
export async function decodeRateProbed(e: Engine, threads: number, tokens: number, bytesPerToken: number,
  probe: () => Promise<number>, rounds = 5): Promise<ProbedDecode> {
  setThreads(e, threads);
  await e.generate({ prompt: freshPrompt(e, 4), maxTokens: 3, ignoreEos: true }); // warm-up
  const per = Math.max(2, Math.round(tokens / rounds));
  const rates: number[] = [], fractions: number[] = [], limits: number[] = [];
  let steps = 0, ms = 0, before = await probe();
  for (let i = 0; i < rounds; i++) {
    const r = await e.generate({ prompt: freshPrompt(e, 8), maxTokens: per + 1, ignoreEos: true });
    const after = await probe();
    const rate = ((r.tokens.length - 1) * 1000) / r.decodeMs;
    const limit = Math.max(before, after);
    rates.push(rate);
    limits.push(limit);
    fractions.push((rate * bytesPerToken) / limit);
    steps += r.tokens.length - 1;
    ms += r.decodeMs;
    before = after;
  }
  return { best: Math.max(...rates), mean: (steps * 1000) / ms, fractions, limits };
}

/** The median of a non-empty list. */
export function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Prompt tokens per second of a cold (nothing reused) prompt of `tokens` tokens. */
export async function prefillRate(e: Engine, threads: number, tokens: number): Promise<number> {
  setThreads(e, threads);
  const r = await e.generate({ prompt: freshPrompt(e, tokens), maxTokens: 1, ignoreEos: true });
  if (r.reusedTokens) throw new Error('prefill benchmark prompt unexpectedly reused a cached prefix');
  return (r.prefillTokens * 1000) / r.prefillMs;
}

export interface KeystrokeResult {
  context: number;
  coldMs: number;
  keystrokeMs: number;
  reusedTokens: number;
}

/** Cold prefill of `context` tokens, then the same context plus one typed token (reusing the cached prefix). */
export async function keystroke(e: Engine, threads: number, context: number): Promise<KeystrokeResult> {
  setThreads(e, threads);
  const ctx = freshPrompt(e, context);
  const cold = await e.generate({ prompt: ctx, maxTokens: 1, ignoreEos: true });
  const next = await e.generate({ prompt: [...ctx, (ctx[0] + 1) % e.vocabSize], maxTokens: 1, ignoreEos: true });
  return { context, coldMs: cold.prefillMs, keystrokeMs: next.prefillMs, reusedTokens: next.reusedTokens };
}
