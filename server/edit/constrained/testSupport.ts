// Shared by the constrained-decoding tests: the property every constrained edit must have.
import assert from 'node:assert/strict';
import type { LineRegion } from './fileSpans';

/** Asserts that only lines of the region (1-based inclusive) differ between before and after, and that some did. */
export function assertOnlyRegionChanged(before: string, after: string, region: LineRegion, what: string): void {
  const a = before.split('\n');
  const b = after.split('\n');
  const tail = a.length - region.endLine;
  assert.deepEqual(b.slice(0, region.startLine - 1), a.slice(0, region.startLine - 1), `${what}: lines above the region changed`);
  assert.deepEqual(b.slice(b.length - tail), a.slice(a.length - tail), `${what}: lines below the region changed`);
  assert.notEqual(after, before, `${what}: nothing changed`);
}
