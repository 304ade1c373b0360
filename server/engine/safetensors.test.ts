import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Checkpoint, openSafetensors } from './safetensors';
import { encodeSafetensors, toF32Bytes, writeSafetensors } from './safetensors-writer';
import { parseConfig } from './config';
import { resolveWeights } from './weights';
import { makeTinyModel, TINY_V3 } from './test-models';
import { mapFile as testMapFile } from '../../native/index';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'ds-st-'));

test('round trip: header parsed, tensor bytes are views of the mapped file', () => {
  const file = path.join(tmp(), 'a.safetensors');
  writeSafetensors(file, [
    { name: 'x', dtype: 'F32', shape: [2, 3], data: toF32Bytes([1, 2, 3, 4, 5, 6]) },
    { name: 'y', dtype: 'BF16', shape: [1], data: new Uint8Array([0x80, 0x3f]) },
  ]);
  const t = openSafetensors(file, testMapFile);
  const x = t.get('x')!;
  assert.deepEqual(x.shape, [2, 3]);
  assert.deepEqual(Array.from(new Float32Array(x.data.slice().buffer)), [1, 2, 3, 4, 5, 6]);
  assert.equal(t.get('y')!.dtype, 'BF16');
});

test('truncated file → error naming file and tensor', () => {
  const file = path.join(tmp(), 'trunc.safetensors');
  const bytes = encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [4, 4], data: new Uint8Array(64) }]);
  fs.writeFileSync(file, bytes.subarray(0, bytes.length - 10));
  assert.throws(() => openSafetensors(file, testMapFile), (e: Error) => e.message.includes(file) && e.message.includes('"w"') && /truncated/.test(e.message));
  fs.writeFileSync(file, bytes.subarray(0, 5));
  assert.throws(() => openSafetensors(file, testMapFile), /truncated/);
});

test('bad header and wrong byte size → clear errors', () => {
  const dir = tmp();
  const bad = path.join(dir, 'bad.safetensors');
  const hdr = Buffer.from('{not json');
  const buf = Buffer.alloc(8 + hdr.length);
  buf.writeBigUInt64LE(BigInt(hdr.length));
  hdr.copy(buf, 8);
  fs.writeFileSync(bad, buf);
  assert.throws(() => openSafetensors(bad, testMapFile), (e: Error) => e.message.includes(bad) && /invalid JSON/.test(e.message));
  const huge = Buffer.alloc(16);
  huge.writeBigUInt64LE(1000n);
  fs.writeFileSync(bad, huge);
  assert.throws(() => openSafetensors(bad, testMapFile), /exceeds the file size/);
  // Header claims [3, 3] F32 (36 bytes) for a 32-byte slice.
  const json = Buffer.from(JSON.stringify({ m: { dtype: 'F32', shape: [3, 3], data_offsets: [0, 32] } }));
  const mis = Buffer.alloc(8 + json.length + 32);
  mis.writeBigUInt64LE(BigInt(json.length));
  json.copy(mis, 8);
  fs.writeFileSync(bad, mis);
  assert.throws(() => openSafetensors(bad, testMapFile), (e: Error) => e.message.includes('"m"') && /needs 36/.test(e.message));
  const odd = Buffer.from(JSON.stringify({ c: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }));
  const oddBuf = Buffer.alloc(8 + odd.length + 8);
  oddBuf.writeBigUInt64LE(BigInt(odd.length));
  odd.copy(oddBuf, 8);
  fs.writeFileSync(bad, oddBuf);
  assert.throws(() => openSafetensors(bad, testMapFile), /tensor "c": unknown dtype "C64"/);
});

test('missing tensor is reported with the expected file before any compute', () => {
  const dir = makeTinyModel(TINY_V3, { shards: 3 });
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'model.safetensors.index.json'), 'utf8'));
  const victim = 'model.layers.1.mlp.experts.5.up_proj.weight';
  const shard = index.weight_map[victim] as string;
  // Rewrite that shard without the tensor (the index still lists it).
  const kept = [...openSafetensors(path.join(dir, shard), testMapFile).values()].filter((t) => t.name !== victim);
  writeSafetensors(path.join(dir, shard), kept.map((t) => ({ name: t.name, dtype: t.dtype as 'F32', shape: t.shape, data: t.data.slice() })));
  const ckpt = new Checkpoint(dir, testMapFile);
  assert.throws(() => resolveWeights(ckpt, parseConfig(TINY_V3)), (e: Error) => e.message.includes(victim) && e.message.includes(shard));
});

test('wrong tensor shape and missing fp8 scale are named', () => {
  const dir = makeTinyModel({ ...TINY_V3, hidden_size: 40 });
  const ckpt = new Checkpoint(dir, testMapFile);
  assert.throws(() => resolveWeights(ckpt, parseConfig(TINY_V3)), /model\.embed_tokens\.weight" has shape \[96, 40\], expected \[96, 32\]/);
  const fp8 = makeTinyModel(TINY_V3, { dtype: 'fp8' });
  const file = path.join(fp8, 'model.safetensors');
  const all = [...openSafetensors(file, testMapFile).values()].filter((t) => t.name !== 'model.layers.0.self_attn.o_proj.weight_scale_inv');
  writeSafetensors(file, all.map((t) => ({ name: t.name, dtype: t.dtype as 'F32', shape: t.shape, data: t.data.slice() })));
  const cfg = parseConfig(JSON.parse(fs.readFileSync(path.join(fp8, 'config.json'), 'utf8')));
  assert.throws(() => resolveWeights(new Checkpoint(fp8, testMapFile), cfg), /missing tensor "model\.layers\.0\.self_attn\.o_proj\.weight_scale_inv"/);
});

test('a checkpoint without any MTP tensors still loads; a partial MTP layer is an error', async () => {
  const { loadEngine } = await import('./index');
  const dir = makeTinyModel(TINY_V3);
  const file = path.join(dir, 'model.safetensors');
  const all = [...openSafetensors(file, testMapFile).values()];
  const rewrite = (keep: (name: string) => boolean): void =>
    writeSafetensors(file, all.filter((t) => keep(t.name)).map((t) => ({ name: t.name, dtype: t.dtype as 'F32', shape: t.shape, data: t.data.slice() })));
  rewrite((n) => n !== 'model.layers.2.hnorm.weight');
  assert.throws(() => resolveWeights(new Checkpoint(dir, testMapFile), parseConfig(TINY_V3)), /missing tensor "model\.layers\.2\.hnorm\.weight"/);
  rewrite((n) => !n.startsWith('model.layers.2.'));
  const engine = await loadEngine(dir, { noTokenizer: true });
  assert.equal(engine.logits([1, 2]).length, 2 * 96);
  assert.throws(() => engine.logits([1, 2], { mtp: true }), /no MTP layer/);
});

test('files too large for one Uint8Array are mapped in segments of whole tensors', () => {
  const file = path.join(tmp(), 'big.safetensors');
  const values = [[1, 2, 3, 4], [5, 6], [7, 8, 9], [10]];
  writeSafetensors(file, values.map((v, i) => ({ name: `t${i}`, dtype: 'F32', shape: [v.length], data: toF32Bytes(v) })));
  const calls: [number, number][] = [];
  const range = (f: string, offset: number, length: number): Uint8Array => {
    calls.push([offset, length]);
    return new Uint8Array(fs.readFileSync(f).subarray(offset, offset + length));
  };
  const whole = (): Uint8Array => assert.fail('a segmented file must not be mapped whole');
  const t = openSafetensors(file, whole, range, { wholeFile: 0, segment: 24 });
  values.forEach((v, i) => assert.deepEqual(Array.from(new Float32Array(t.get(`t${i}`)!.data.slice().buffer)), v));
  assert.ok(calls.length >= 2, `expected several segments, got ${calls.length}`);
  assert.ok(calls.every(([, len]) => len <= 24));
});
