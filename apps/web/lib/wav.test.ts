import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatSamples, encodeWav } from './wav';

test('recordings are encoded as 16-bit mono PCM WAV the API can sniff', async () => {
  const samples = new Float32Array([0, 0.5, -0.5, 1, -1, 2, -2]);
  const blob = encodeWav(samples, 16000);
  assert.equal(blob.type, 'audio/wav');
  const view = new DataView(await blob.arrayBuffer());
  const ascii = (offset: number) => String.fromCharCode(...new Uint8Array(view.buffer, offset, 4));
  assert.equal(ascii(0), 'RIFF');
  assert.equal(ascii(8), 'WAVE');
  assert.equal(ascii(36), 'data');
  assert.equal(view.getUint32(4, true), view.byteLength - 8);
  assert.equal(view.getUint16(20, true), 1); // PCM
  assert.equal(view.getUint16(22, true), 1); // mono
  assert.equal(view.getUint32(24, true), 16000);
  assert.equal(view.getUint16(34, true), 16);
  assert.equal(view.getUint32(40, true), samples.length * 2);
  const pcm = Array.from({ length: samples.length }, (_, i) => view.getInt16(44 + i * 2, true));
  assert.deepEqual(pcm, [0, 16383, -16384, 32767, -32768, 32767, -32768]); // out-of-range input is clipped
});

test('captured chunks are joined in order', () => {
  const joined = concatSamples([new Float32Array([1, 2]), new Float32Array([]), new Float32Array([3])]);
  assert.deepEqual([...joined], [1, 2, 3]);
});
