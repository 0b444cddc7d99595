import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeVector, dot, encodeVector } from './vector-codec.util.js';

test('vectors round-trip through float32 little-endian bytes', () => {
  const v = Float32Array.from([0.5, -1.25, 3.1415927, 0, -0]);
  const bytes = encodeVector(v);
  assert.equal(bytes.byteLength, 20);
  assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x00, 0x00, 0x3f]); // 0.5f, little-endian
  assert.deepEqual(decodeVector(bytes), v);
  // a view into a larger buffer at an odd offset decodes too (as drivers hand out Buffers)
  const padded = new Uint8Array(bytes.byteLength + 3);
  padded.set(bytes, 3);
  assert.deepEqual(decodeVector(padded.subarray(3)), v);
  assert.throws(() => decodeVector(new Uint8Array(7)));
});

test('dot is the cosine of unit vectors', () => {
  const a = Float32Array.from([0.6, 0.8]);
  const b = Float32Array.from([0.8, 0.6]);
  assert.ok(Math.abs(dot(a, b) - 0.96) < 1e-6);
  assert.ok(Math.abs(dot(a, a) - 1) < 1e-6);
});
