// llama.cpp reference numbers from issue 4 (node-llama-cpp 3.21.1, prebuilt CPU build, 4 layers of
// DeepSeek-V2-Lite = 2.25B parameters, 2 threads, batch 1), printed beside ours.

export interface AnchorRow {
  /** Our format it is compared with. */
  format: string;
  llamaType: string;
  decodeTokS?: number;
  /** Decode as a fraction of the bandwidth limit measured in llama.cpp's run. */
  fraction: number;
  prefillTokS?: number;
}

export const LLAMA_CPP = {
  bandwidthBytesPerSecond: 27.5e9,
  bytesPerToken: 1.08e9,
  rows: [
    { format: 'bf16', llamaType: 'bf16', fraction: 0.63 },
    { format: 'f16', llamaType: 'f16', decodeTokS: 18.3, fraction: 0.72, prefillTokS: 110 },
    { format: 'int8', llamaType: 'q8_0', decodeTokS: 24.7, fraction: 0.52, prefillTokS: 148 },
  ] as AnchorRow[],
};

/** The anchor row to compare a format with: q8_0 for 1-byte formats, bf16 for bf16 (f16 is the best 2-byte one). */
export function anchorFor(format: string): AnchorRow | undefined {
  const want = format === 'fp8' || format === 'int8' || format === 'int4' ? 'int8' : format.startsWith('bf16') ? 'bf16' : undefined;
  return LLAMA_CPP.rows.find((r) => r.format === want);
}

/** The targets: fraction of the bandwidth limit decode must reach. */
export function targetFraction(format: string): number | undefined {
  return format === 'bf16' ? 0.8 : format === 'fp8' || format === 'int8' || format === 'int4' ? 0.7 : undefined;
}
