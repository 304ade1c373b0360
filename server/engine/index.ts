// The local engine: loads a DeepSeek-V2/V3 Hugging Face folder and serves logits and cached generation.
import type { Kernels } from '../../native/api';
import type { Tokenizer } from '../tokenizer/api';
import type { Engine, GenerateRequest, GenerateResult, LoadOptions } from './api';
import { loadConfig, type ModelConfig } from './config';
import { CacheBuffers, SequenceCache, commonPrefix } from './kvcache';
import { mtpLogits } from './mtp';
import { Sampler } from './sampler';
import { Checkpoint, type FileMapper, type RangeMapper } from './safetensors';
import { Transformer } from './transformer';
import { allWeights, decodeWeightBytes, kvBytesPerToken, prefault, weightBytes } from './traffic';
import { quantizeModel, type QuantMode } from './quantize';
import { resolveWeights } from './weights';

export type { Engine, GenerateRequest, GenerateResult, LoadOptions } from './api';
export { makeDemoModel } from './demo-model';

export interface EngineOptions extends LoadOptions {
  /** Kernel set to compute with (default: the native addon). */
  kernels?: Kernels;
  /** How files are memory-mapped (default: the native addon's mapFile). */
  mapFile?: FileMapper;
  /** Maps part of a file (files over 4 GiB are mapped in segments; default: the native addon's mapFileRange). */
  mapFileRange?: RangeMapper;
  /** Upper bound on bytes held by cached sequences for prefix reuse (default 2 GiB). */
  cacheBytes?: number;
  /** How many sequences the prefix cache keeps at most (default 4; 0 turns prefix reuse off). */
  maxSequences?: number;
  /** Skip loading the tokenizer (tests that only need ids). */
  noTokenizer?: boolean;
  /** Quantize bf16/f16/f32 linear weights at load into int8 or int4 blocks of 32 (fp8 weights stay fp8). */
  quant?: QuantMode;
  /** false: decode MoE layers with one kernel call per expert matrix instead of one fused call (for comparison). */
  fused?: boolean;
  /**
   * Copy mapped weights (all but the embedding table) into huge-page memory at load: decode then streams
   * them at full memory bandwidth instead of 4 KiB page-cache pages. Needs RAM for the whole model.
   */
  resident?: boolean;
  /** Touch every page of the mapped weights at load, so the first tokens do not pay page faults (needs the RAM). */
  prefault?: boolean;
}

/** What the benchmark reports about a loaded engine. */
export interface EngineInfo {
  kernels: string;
  threads: number;
  /** Weight bytes read per decoded token (dense weights, k routed experts per MoE layer, lm_head). */
  decodeWeightBytes: number;
  /** Bytes of every weight held (mapped or quantized). */
  totalWeightBytes: number;
  kvBytesPerToken: { latent: number; fullPerHead: number };
  setThreads(n: number): void;
}

/** Prompts run in chunks of this many tokens: bounded activation memory, and generate() yields between them. */
const PREFILL_CHUNK = 256;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class LocalEngine implements Engine {
  readonly modelType: 'deepseek_v3' | 'deepseek_v2';
  readonly vocabSize: number;
  private readonly tf: Transformer;
  /** Sequences kept for prefix reuse, least recently used first. */
  private pool: SequenceCache[] = [];
  private clock = 0;
  /** Buffers of evicted sequences, for new ones (up to a quarter of the cache's bound besides it). */
  private readonly buffers: CacheBuffers;
  /** Serializes generate() calls: they share the prefix cache. */
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(readonly modelDir: string, readonly cfg: ModelConfig, tf: Transformer, readonly tokenizer: Tokenizer | undefined,
    private readonly cacheBytes: number, private readonly maxSequences: number) {
    this.modelType = cfg.modelType;
    this.vocabSize = cfg.vocabSize;
    this.tf = tf;
    this.buffers = new CacheBuffers(cacheBytes / 4);
  }

  private check(tokens: number[], what: string): void {
    if (this.disposed) throw new Error('engine has been disposed');
    if (!Array.isArray(tokens) || tokens.length === 0) throw new RangeError(`${what} must contain at least one token`);
    const bad = tokens.find((id) => !Number.isInteger(id) || id < 0 || id >= this.vocabSize);
    if (bad !== undefined) throw new RangeError(`${what}: token id ${bad} is outside the vocabulary [0, ${this.vocabSize})`);
  }

  private newCache(): SequenceCache {
    return new SequenceCache(this.cfg.numHiddenLayers, this.tf.cacheRowSize, undefined, this.buffers);
  }

  logits(tokens: number[], opts?: { mtp?: boolean }): Float32Array {
    this.check(tokens, 'tokens');
    const T = tokens.length;
    const H = this.cfg.hiddenSize;
    const cache = this.newCache();
    const h = new Float32Array(T * H); // [T, hidden]
    for (let i = 0; i < T; i += PREFILL_CHUNK) h.set(this.tf.forward(tokens.slice(i, i + PREFILL_CHUNK), cache, T === 1 ? false : undefined), i * H);
    const logits = this.tf.project(h, T); // [T, vocab]
    if (!opts?.mtp) return logits;
    return mtpLogits(this.tf, tokens, h, logits.subarray((T - 1) * this.vocabSize));
  }

  /** A cache holding the longest reusable prefix of `prompt` (at least the last prompt token is recomputed). */
  private acquire(prompt: number[]): SequenceCache {
    let best: SequenceCache | undefined;
    let bestLen = 0;
    for (const c of this.pool) {
      const n = Math.min(commonPrefix(c.tokens, prompt), prompt.length - 1);
      if (n > bestLen) [best, bestLen] = [c, n];
    }
    if (!best) return this.newCache();
    if (bestLen === best.length) {
      this.pool = this.pool.filter((c) => c !== best); // extended in place
      return best;
    }
    return best.clonePrefix(bestLen); // the longer sequence stays cached for others
  }

  /** Returns a sequence to the pool and evicts least recently used ones beyond the bounds. */
  private release(cache: SequenceCache): void {
    cache.lastUsed = ++this.clock;
    const covered = this.pool.filter((c) => c !== cache && isPrefixOf(c, cache)); // all in `cache` now
    this.pool = this.pool.filter((c) => c !== cache && !covered.includes(c));
    for (const c of covered) c.recycle();
    this.pool.push(cache);
    this.pool.sort((a, b) => a.lastUsed - b.lastUsed);
    const total = (): number => this.pool.reduce((s, c) => s + c.bytes(), 0);
    while (this.pool.length && (this.pool.length > this.maxSequences || total() > this.cacheBytes)) this.pool.shift()!.recycle();
  }

  generate(req: GenerateRequest): Promise<GenerateResult> {
    const run = this.queue.then(() => this.runGenerate(req));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runGenerate(req: GenerateRequest): Promise<GenerateResult> {
    this.check(req.prompt, 'prompt');
    const V = this.vocabSize;
    const sampler = new Sampler(req.temperature ?? 0, req.topP ?? 1, req.seed ?? 0, (x) => this.tf.k.argmax(x), (x) => this.tf.k.softmax(x, 1, x.length));
    const eos = new Set([...this.cfg.eosTokenIds, ...(this.tokenizer?.eosId !== undefined ? [this.tokenizer.eosId] : [])]);
    const stops = new Set(req.stopTokens ?? [...eos]);
    if (req.ignoreEos) for (const id of eos) stops.delete(id);
    const result: GenerateResult = { tokens: [], stopReason: 'length', prefillTokens: 0, reusedTokens: 0, prefillMs: 0, decodeMs: 0 };
    if (req.signal?.aborted) return { ...result, stopReason: 'cancelled' };
    if (req.maxTokens <= 0) return result;

    const t0 = performance.now();
    const cache = this.acquire(req.prompt);
    result.reusedTokens = cache.length;
    result.prefillTokens = req.prompt.length - cache.length;
    try {
      let h: Float32Array = new Float32Array(0);
      const start = cache.length;
      for (let i = start; i < req.prompt.length; i += PREFILL_CHUNK) {
        if (i > start) await yieldToEventLoop();
        if (req.signal?.aborted || this.disposed) return { ...result, stopReason: 'cancelled', prefillMs: performance.now() - t0 };
        h = this.tf.forward(req.prompt.slice(i, Math.min(i + PREFILL_CHUNK, req.prompt.length)), cache); // [chunk, hidden]
      }
      let logits: Float32Array = this.tf.project(h.subarray(h.length - this.cfg.hiddenSize), 1);
      const t1 = performance.now();
      result.prefillMs = t1 - t0;
      for (;;) {
        if (req.constraint?.done) { result.stopReason = 'eos'; break; } // the grammar's output is complete
        req.constraint?.mask(logits.subarray(0, V));
        const id = sampler.sample(logits.subarray(0, V));
        if (stops.has(id)) {
          result.stopReason = 'eos';
          break;
        }
        req.constraint?.advance(id);
        result.tokens.push(id);
        if (req.onToken?.(id) === false) {
          result.stopReason = 'stop';
          break;
        }
        if (req.constraint?.done) { result.stopReason = 'eos'; break; }
        if (result.tokens.length >= req.maxTokens) break;
        await yieldToEventLoop();
        if (req.signal?.aborted || this.disposed) {
          result.stopReason = 'cancelled';
          break;
        }
        h = this.tf.forward([id], cache);
        logits = this.tf.project(h, 1, undefined, logits); // one vocabulary-sized buffer for the whole decode
      }
      result.decodeMs = performance.now() - t1;
    } finally {
      if (!this.disposed) this.release(cache);
    }
    return result;
  }

  dispose(): void {
    this.disposed = true;
    this.pool = [];
    this.buffers.clear();
  }

  info(): EngineInfo {
    const { k, w } = this.tf;
    return {
      kernels: k.backend,
      threads: k.getThreads(),
      decodeWeightBytes: decodeWeightBytes(this.cfg, w),
      totalWeightBytes: allWeights(w).reduce((s, x) => s + weightBytes(x), 0),
      kvBytesPerToken: kvBytesPerToken(this.cfg),
      setThreads: (n) => k.setThreads(n),
    };
  }
}

/** Traffic and kernel facts of an engine made by loadEngine (undefined for other Engine implementations). */
export function engineInfo(engine: Engine): EngineInfo | undefined {
  return engine instanceof LocalEngine ? engine.info() : undefined;
}

/** True when `a` holds a prefix of `b`'s tokens (so `b` makes `a` redundant). */
function isPrefixOf(a: SequenceCache, b: SequenceCache): boolean {
  return a.length <= b.length && commonPrefix(a.tokens, b.tokens) === a.length;
}

/** Loads config, maps and resolves every weight (errors before any compute), loads the tokenizer. */
export async function loadEngine(modelDir: string, opts: EngineOptions = {}): Promise<Engine> {
  if (opts.device === 'cuda') throw new Error('the local engine computes on the CPU; device "cuda" is not supported');
  const cfg = loadConfig(modelDir);
  let kernels = opts.kernels;
  let mapFile = opts.mapFile;
  let mapFileRange = opts.mapFileRange;
  if (!kernels || !mapFile || (!mapFileRange && !opts.mapFile)) {
    // Loaded lazily so tests that inject kernels do not need the compiled addon.
    const native = await import('../../native/index');
    kernels ??= native.kernels;
    mapFile ??= native.mapFile;
    if (!opts.mapFile) mapFileRange ??= native.mapFileRange;
  }
  if (opts.threads) kernels.setThreads(opts.threads);
  const ckpt = new Checkpoint(modelDir, mapFile, opts.onProgress, mapFileRange);
  let weights = resolveWeights(ckpt, cfg);
  if (opts.quant) weights = quantizeModel(weights, opts.quant, kernels);
  if (opts.resident) {
    const { copyToHugePages } = await import('../../native/index');
    for (const w of allWeights(weights)) if (w !== weights.embed && !w.dtype.startsWith('q')) w.data = copyToHugePages(w.data);
  }
  if (opts.prefault) prefault(allWeights(weights));
  let tokenizer: Tokenizer | undefined;
  if (!opts.noTokenizer) {
    const { loadTokenizer } = await import('../tokenizer');
    tokenizer = await loadTokenizer(modelDir);
  }
  const tf = new Transformer(kernels, cfg, weights, opts.fused ?? true);
  tf.prepareDecode();
  return new LocalEngine(modelDir, cfg, tf, tokenizer, opts.cacheBytes ?? 2 ** 31, opts.maxSequences ?? 4);
}
