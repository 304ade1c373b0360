// `npm run bench`: engine speed on a synthetic checkpoint with DeepSeek-V2-Lite's real shapes (not a test).
//   node dist/bench.js [--layers 4] [--formats bf16,fp8,int8,int4,naive,v3] [--contexts 512,2048,8192]
//                      [--decode-tokens 72] [--rounds 9] [--prefill-tokens 256] [--threads N] [--json]
// Prints decode/prefill rates, weight bytes per token, the bandwidth measured in this run and decode as a
// fraction of its limit (per round of decode, against probes right before and after it; median of the rounds),
// keystroke re-completion vs. cold prefill, RSS and KV bytes per token.
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parseArgs } from 'node:util';
import type { Engine } from '../engine/api';
import { engineInfo, loadEngine, type EngineOptions } from '../engine/index';
import { LLAMA_CPP } from './anchor';
import { measureBandwidth, type BandwidthResult } from './bandwidth';
import { ensureCheckpoint, ensureVariant } from './checkpoint';
import { decodeRate, keystroke, prefillRate, type KeystrokeResult } from './measure';
import { v2LiteConfig, v3RoutingConfig } from './shapes';
import { formatReport } from './report';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

export interface FormatResult {
  format: string;
  description: string;
  threads: number[];
  decodeTokS: number[]; // per entry of threads: best of the rounds
  decodeMeanTokS: number[]; // per entry of threads: all rounds together
  prefillTokS: number | undefined;
  decodeWeightBytes: number;
  totalWeightBytes: number;
  rssBytes: number;
  kernels: string;
  loadMs: number;
  /** All-threads decode, round by round: the faster adjacent bandwidth probe (bytes/s) and decode's fraction of it. */
  rounds: { limits: number[]; fractions: number[] };
}

export interface BenchReport {
  machine: { cpus: number; model: string; threads: number };
  layers: number;
  bandwidth: BandwidthResult;
  formats: FormatResult[];
  keystroke: KeystrokeResult[];
  kvBytesPerToken: { latent: number; fullPerHead: number } | undefined;
  anchor: typeof LLAMA_CPP;
  skipped: string[];
}

const log = (msg: string): void => void process.stderr.write(`[bench] ${msg}\n`);

interface FormatSpec {
  format: string;
  description: string;
  dir: () => string;
  opts: EngineOptions;
  prefill: boolean;
}

type Probe = () => Promise<number>;

async function runFormat(spec: FormatSpec, threads: number[], decodeTokens: number, rounds: number, prefillTokens: number, probe: Probe): Promise<FormatResult> {
  const t0 = performance.now();
  const engine = await loadEngine(spec.dir(), { noTokenizer: true, prefault: true, resident: true, ...spec.opts });
  const loadMs = performance.now() - t0;
  try {
    const info = engineInfo(engine)!;
    const decodeTokS: number[] = [];
    const decodeMeanTokS: number[] = [];
    let probed = { limits: [] as number[], fractions: [] as number[] };
    for (const [i, t] of threads.entries()) {
      // The all-threads decode is measured against probes taken around each of its rounds.
      const last = i === threads.length - 1;
      const r = await decodeRate(engine, t, decodeTokens, rounds, last ? { bandwidth: probe, bytesPerToken: info.decodeWeightBytes } : undefined);
      if (last) probed = { limits: r.limits, fractions: r.fractions };
      decodeTokS.push(r.best);
      decodeMeanTokS.push(r.mean);
      log(`${spec.format}: decode ${r.best.toFixed(2)} tok/s best, ${r.mean.toFixed(2)} mean at ${t} thread(s)` +
        (last ? `; of the adjacent probes: ${r.fractions.map((f) => f.toFixed(2)).join(' ')}` : ''));
    }
    const prefillTokS = spec.prefill ? await prefillRate(engine, threads.at(-1)!, prefillTokens) : undefined;
    if (prefillTokS) log(`${spec.format}: prefill ${prefillTokS.toFixed(1)} tok/s`);
    return {
      format: spec.format, description: spec.description, threads, decodeTokS, decodeMeanTokS, prefillTokS,
      decodeWeightBytes: info.decodeWeightBytes, totalWeightBytes: info.totalWeightBytes,
      rssBytes: process.memoryUsage().rss, kernels: info.kernels, loadMs, rounds: probed,
    };
  } finally {
    engine.dispose();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      layers: { type: 'string', default: '4' },
      formats: { type: 'string', default: 'bf16,fp8,int8,int4,naive,v3' },
      contexts: { type: 'string', default: '512,2048,8192' },
      // Nine rounds of eight tokens: this machine's bandwidth swings from second to second (rounds of one format
      // measured 0.21-0.85 of their probes), and the median of nine is less at the mercy of a burst than of five.
      'decode-tokens': { type: 'string', default: '72' },
      rounds: { type: 'string', default: '9' },
      'prefill-tokens': { type: 'string', default: '256' },
      threads: { type: 'string' },
      cache: { type: 'string', default: path.join(process.cwd(), '.cache', 'bench') },
      json: { type: 'boolean', default: false },
    },
  });
  const int = (s: string, flag: string): number => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer, got ${JSON.stringify(s)}`);
    return n;
  };
  const layers = int(values.layers!, '--layers');
  if (layers < 2) throw new Error('--layers must be at least 2 (one dense layer, then MoE layers)');
  const allThreads = values.threads ? int(values.threads, '--threads') : os.availableParallelism();
  const threads = [...new Set([1, allThreads])];
  const formats = values.formats!.split(',').map((s) => s.trim()).filter(Boolean);
  const contexts = values.contexts ? values.contexts.split(',').filter(Boolean).map((s) => int(s, '--contexts')) : [];
  const decodeTokens = int(values['decode-tokens']!, '--decode-tokens');
  const rounds = int(values.rounds!, '--rounds');
  if (rounds < 1) throw new Error('--rounds must be at least 1');
  const prefillTokens = int(values['prefill-tokens']!, '--prefill-tokens');

  const cacheDir = path.resolve(values.cache!);
  const bf16Dir = path.join(cacheDir, `v2lite-${layers}L-bf16`);
  const fp8Dir = path.join(cacheDir, `v2lite-${layers}L-fp8`);
  const ensure = (dir: string, dtype: 'bf16' | 'fp8'): string => {
    const t = performance.now();
    const r = ensureCheckpoint(dir, v2LiteConfig(layers), dtype);
    if (r.written) log(`wrote ${dir} in ${((performance.now() - t) / 1e3).toFixed(0)} s`);
    return dir;
  };
  const specs: Record<string, FormatSpec> = {
    bf16: { format: 'bf16', description: 'bf16 weights (copied to huge pages)', dir: () => ensure(bf16Dir, 'bf16'), opts: {}, prefill: true },
    fp8: { format: 'fp8', description: 'fp8 e4m3 + 128x128 scales (copied to huge pages)', dir: () => ensure(fp8Dir, 'fp8'), opts: {}, prefill: true },
    int8: { format: 'int8', description: 'bf16 quantized at load to int8 blocks of 32', dir: () => ensure(bf16Dir, 'bf16'), opts: { quant: 'int8' } as EngineOptions, prefill: true },
    int4: { format: 'int4', description: 'bf16 quantized at load to int4 blocks of 32', dir: () => ensure(bf16Dir, 'bf16'), opts: { quant: 'int4' } as EngineOptions, prefill: true },
    naive: { format: 'bf16-naive', description: 'bf16, per-expert kernel calls (unfused path)', dir: () => ensure(bf16Dir, 'bf16'), opts: { fused: false } as EngineOptions, prefill: false },
    v3: {
      format: 'bf16-v3routing', description: 'bf16, V3 routing (sigmoid, 8 groups, top-4 groups)', prefill: false, opts: {},
      dir: () => ensureVariant(path.join(cacheDir, `v3routing-${layers}L-bf16`), ensure(bf16Dir, 'bf16'), v3RoutingConfig(layers)),
    },
  };
  for (const f of formats) if (!specs[f]) throw new Error(`--formats: unknown format "${f}" (known: ${Object.keys(specs).join(', ')})`);

  let native: { readBandwidth?: (b: number, t: number, r: number) => number } | undefined;
  try {
    native = (await import('../../native/index')) as unknown as typeof native;
  } catch {
    native = undefined;
  }
  log(`measuring memory read bandwidth with ${allThreads} threads`);
  const bandwidth = await measureBandwidth(allThreads, native);
  log(`bandwidth ${(bandwidth.bytesPerSecond / 1e9).toFixed(1)} GB/s (${bandwidth.method})`);

  const report: BenchReport = {
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', threads: allThreads },
    layers, bandwidth, formats: [], keystroke: [], kvBytesPerToken: undefined, anchor: LLAMA_CPP, skipped: [],
  };
  // The machine is shared and its bandwidth swings from second to second: each round of a format's
  // all-threads decode is measured against short probes taken right before and right after it.
  const samples = [bandwidth.bytesPerSecond];
  const probe: Probe = async () => {
    const b = (await measureBandwidth(allThreads, native, 256 << 20, 3)).bytesPerSecond;
    samples.push(b);
    return b;
  };
  for (const f of formats) {
    try {
      report.formats.push(await runFormat(specs[f], threads, decodeTokens, rounds, prefillTokens, probe));
    } catch (err) {
      const msg = `${f}: ${(err as Error).message}`;
      log(`skipped ${msg}`);
      report.skipped.push(msg);
    }
    gc(); // unmap/free the previous model before loading the next
  }
  report.bandwidth = { ...bandwidth, bytesPerSecond: Math.max(...samples), samples };

  if (contexts.length) {
    const engine: Engine = await loadEngine(ensure(bf16Dir, 'bf16'), { noTokenizer: true, prefault: true, resident: true, maxSequences: 2 });
    try {
      report.kvBytesPerToken = engineInfo(engine)!.kvBytesPerToken;
      for (const c of contexts) {
        report.keystroke.push(await keystroke(engine, allThreads, c));
        const k = report.keystroke.at(-1)!;
        log(`keystroke at ${c}: cold ${k.coldMs.toFixed(0)} ms, with reuse ${k.keystrokeMs.toFixed(1)} ms`);
      }
    } finally {
      engine.dispose();
    }
  }

  process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
