import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Weight } from '../../native/api';
import { decodeWeight, fp8E4M3ToFloat } from '../../native/reference';

const decoded = new WeakMap<Weight, Float64Array>();
/** Element (r, c) via the native engineer's reference decoder, rounded to float32 as the engine stores upcasts. */
function weightAt(w: Weight, r: number, c: number): number {
  if (!decoded.has(w)) decoded.set(w, decodeWeight(w));
  return Math.fround(decoded.get(w)![r * w.cols + c]);
}
import { weightRow, weightRows, weightRowsTransposed } from './dtype';
import { f32ToF8e4m3Bits, f32ToBf16Bits, toBf16Bytes, toF8Blocks } from './safetensors-writer';

const values = Float32Array.from({ length: 200 * 140 }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 7)));

test('bf16 rounding is nearest-even and rows decode exactly', () => {
  assert.equal(f32ToBf16Bits(1), 0x3f80);
  assert.equal(f32ToBf16Bits(1 + 2 ** -8), 0x3f80); // tie → even
  assert.equal(f32ToBf16Bits(1 + 3 * 2 ** -8), 0x3f82);
  const w: Weight = { dtype: 'bf16', rows: 200, cols: 140, data: toBf16Bytes(values) };
  const row = new Float32Array(140);
  weightRow(w, 131, row);
  row.forEach((v, c) => assert.equal(v, weightAt(w, 131, c)));
});

test('row slices and transposed slices (absorbed MLA factors) equal the source elements, bf16 and fp8 blocks', () => {
  const bf16: Weight = { dtype: 'bf16', rows: 200, cols: 140, data: toBf16Bytes(values) };
  const q = toF8Blocks(values, 200, 140);
  const fp8: Weight = { dtype: 'f8_e4m3', rows: 200, cols: 140, data: q.data, scales: q.scales };
  for (const w of [bf16, fp8]) {
    const rows = weightRows(w, 120, 20); // crosses a 128-row fp8 block boundary
    const t = weightRowsTransposed(w, 120, 20);
    assert.deepEqual([t.rows, t.cols], [140, 20]);
    for (const [r, c] of [[0, 0], [7, 129], [19, 139], [8, 64]]) {
      assert.equal(weightAt(rows, r, c), weightAt(w, 120 + r, c));
      assert.equal(weightAt(t, c, r), weightAt(w, 120 + r, c));
    }
  }
  // Whole 128-row fp8 blocks stay fp8, their scale rows sliced or transposed with them (the last block may be short).
  for (const [start, count] of [[0, 128], [128, 72]]) {
    const rows = weightRows(fp8, start, count), t = weightRowsTransposed(fp8, start, count);
    assert.equal(rows.dtype, 'f8_e4m3');
    assert.equal(t.dtype, 'f8_e4m3');
    assert.deepEqual([t.rows, t.cols, t.scales!.length], [140, count, 2 * Math.ceil(count / 128)]);
    for (let r = 0; r < count; r += 5) for (let c = 0; c < 140; c += 3) {
      assert.equal(weightAt(rows, r, c), weightAt(fp8, start + r, c));
      assert.equal(weightAt(t, c, r), weightAt(fp8, start + r, c));
    }
  }
  fp8.nanFree = true; // a known NaN scan result travels with row views, so the kernels do not scan them again
  assert.equal(weightRows(fp8, 0, 128).nanFree, true);
  delete fp8.nanFree;
  // fp8 quantization error stays within E4M3's relative precision per block.
  let worst = 0;
  for (let i = 0; i < values.length; i += 97) worst = Math.max(worst, Math.abs(weightAt(fp8, Math.floor(i / 140), i % 140) - values[i]));
  assert.ok(worst <= 7 / 16, `worst fp8 error ${worst}`);
});

test('fp8 encoder: every finite E4M3 value round-trips, others go to the nearest, saturating', () => {
  for (let code = 0; code < 256; code++) {
    if ((code & 0x7f) === 0x7f) continue; // NaN
    assert.equal(f32ToF8e4m3Bits(fp8E4M3ToFloat(code)), code);
  }
  assert.equal(fp8E4M3ToFloat(f32ToF8e4m3Bits(1000)), 448);
  assert.equal(fp8E4M3ToFloat(f32ToF8e4m3Bits(-0.30)), -0.3125);
  assert.equal(f32ToF8e4m3Bits(1.0625), 0x38); // halfway between 1 (even code 0x38) and 1.125
});
