// The benchmark's human-readable table: ours beside the bandwidth limit of this run and the llama.cpp anchor.
import { anchorFor, LLAMA_CPP, targetFraction } from './anchor';
import type { BenchReport } from './bench';
import { median } from './measure';

const gb = (b: number): string => (b / 1e9).toFixed(2);
const pad = (cells: string[], widths: number[]): string => cells.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [pad(head, widths), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => pad(r, widths))].join('\n');
}

/** Rounds of the probed decode (the same for every format of a run). */
function roundsOf(r: BenchReport): number {
  return r.formats.find((f) => f.rounds?.fractions.length)?.rounds.fractions.length ?? 0;
}

export function formatReport(r: BenchReport): string {
  const bw = r.bandwidth.bytesPerSecond;
  const out: string[] = [];
  out.push(`DeepSeek-V2-Lite shapes, ${r.layers} layers · ${r.machine.model} · ${r.machine.cpus} CPUs`);
  const probes = r.bandwidth.samples && r.bandwidth.samples.length > 1
    ? ` (fastest of ${r.bandwidth.samples.length} probes: ${r.bandwidth.samples.map(gb).join(', ')})` : '';
  out.push(`memory read bandwidth (this run, ${r.bandwidth.threads} threads, ${r.bandwidth.method}): ${gb(bw)} GB/s${probes};` +
    ` each round of decode is measured against the faster of the probes just before and just after it (median of ${roundsOf(r)} rounds)` +
    `   [llama.cpp anchor run: ${gb(LLAMA_CPP.bandwidthBytesPerSecond)} GB/s, ${gb(LLAMA_CPP.bytesPerToken)} GB/token]`);
  const naive = r.formats.find((f) => f.format === 'bf16-naive');
  const rows = r.formats.flatMap((f) => f.threads.map((t, i) => {
    const isAll = i === f.threads.length - 1;
    // All threads: the median over rounds of decode vs. the probes adjacent to that round; 1 thread: vs. the
    // median of those probes.
    const probed = f.rounds?.fractions.length ? f.rounds : undefined;
    const fbw = probed ? median(probed.limits) : bw;
    const limit = fbw / f.decodeWeightBytes;
    const frac = isAll && probed ? median(probed.fractions) : f.decodeTokS[i] / limit;
    const anchor = anchorFor(f.format);
    const target = targetFraction(f.format);
    const vsNaive = naive && f.format.startsWith('bf16') && f !== naive ? (f.decodeTokS[i] / naive.decodeTokS[i]).toFixed(2) + 'x' : '';
    return [
      f.format, String(t), `${f.decodeTokS[i].toFixed(2)} (${f.decodeMeanTokS[i].toFixed(2)})`, gb(f.decodeWeightBytes), gb(fbw), limit.toFixed(1), frac.toFixed(2),
      isAll && target ? `${target.toFixed(2)} ${frac >= target ? 'ok' : 'MISS'}` : '',
      isAll && anchor ? `${anchor.fraction.toFixed(2)} (${anchor.llamaType})` : '',
      vsNaive,
      isAll && f.prefillTokS ? f.prefillTokS.toFixed(1) : '',
      isAll && anchor?.prefillTokS ? `${anchor.prefillTokS}` : '',
      isAll ? gb(f.rssBytes) : '',
    ];
  }));
  out.push('');
  out.push(table(['format', 'thr', 'decode tok/s best (mean)', 'GB/token', 'probe GB/s', 'limit tok/s', 'of limit (median)', 'target', 'llama.cpp', 'vs naive', 'prefill tok/s', 'llama.cpp', 'RSS GB'], rows));
  for (const f of r.formats) out.push(`  ${f.format}: ${f.description}; kernels ${f.kernels}; weights ${gb(f.totalWeightBytes)} GB; load ${(f.loadMs / 1e3).toFixed(1)} s`);
  if (r.keystroke.length) {
    out.push('');
    out.push(table(['context', 'cold prefill ms', 'keystroke ms', 'reused', 'speed-up'], r.keystroke.map((k) => [
      String(k.context), k.coldMs.toFixed(0), k.keystrokeMs.toFixed(1), String(k.reusedTokens), `${(k.coldMs / k.keystrokeMs).toFixed(0)}x`,
    ])));
  }
  if (r.kvBytesPerToken) {
    const { latent, fullPerHead } = r.kvBytesPerToken;
    out.push('');
    out.push(`KV per token (${r.layers} layers): latent cache ${latent} B (f32) vs. full per-head K/V ${fullPerHead} B (bf16): ${(fullPerHead / latent).toFixed(1)}x smaller`);
  }
  for (const s of r.skipped) out.push(`skipped: ${s}`);
  return out.join('\n');
}
