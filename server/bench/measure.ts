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

export interface DecodeRate {
  /** The fastest round, tokens/s (on a shared machine, the round least disturbed by other processes). */
  best: number;
  /** All rounds together, tokens/s. */
  mean: number;
  /**
   * With a probe, per round: its rate × bytes per token / the faster of the bandwidth probes taken right before
   * and right after it. On a machine whose bandwidth swings from second to second this compares like with like;
   * the median over rounds is the figure to report.
   */
  fractions: number[];
  /** With a probe, per round: that faster probe, bytes/s. */
  limits: number[];
}

/**
 * Decode rate at `threads`: after a warm-up, `rounds` runs of tokens/rounds forward steps, each followed by a
 * bandwidth probe when `probe` is given (one more probe comes before the first round).
 */
export async function decodeRate(e: Engine, threads: number, tokens: number, rounds = 5,
  probe?: { bandwidth: () => Promise<number>; bytesPerToken: number }): Promise<DecodeRate> {
  setThreads(e, threads);
  await e.generate({ prompt: freshPrompt(e, 4), maxTokens: 3, ignoreEos: true }); // warm-up
  const per = Math.max(2, Math.round(tokens / rounds));
  const out: DecodeRate = { best: 0, mean: 0, fractions: [], limits: [] };
  let steps = 0, ms = 0, before = probe ? await probe.bandwidth() : 0;
  for (let i = 0; i < rounds; i++) {
    const r = await e.generate({ prompt: freshPrompt(e, 8), maxTokens: per + 1, ignoreEos: true });
    const rate = ((r.tokens.length - 1) * 1000) / r.decodeMs; // the first token comes from the prompt's logits
    out.best = Math.max(out.best, rate);
    steps += r.tokens.length - 1;
    ms += r.decodeMs;
    if (probe) {
      const after = await probe.bandwidth();
      out.limits.push(Math.max(before, after));
      out.fractions.push((rate * probe.bytesPerToken) / out.limits.at(-1)!);
      before = after;
    }
  }
  out.mean = (steps * 1000) / ms;
  return out;
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
