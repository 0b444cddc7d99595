import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkEncoderPin } from './encoder-pin.js';
import type { EncoderPin } from './manifest.js';

let dir: string;
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
const pin = (): EncoderPin => ({ name: 'muvis-small', version: '1', dim: 128, files: { 'audio.onnx': sha('audio tower'), 'image.onnx': sha('image tower') } });

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'encoder-pin-'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ name: 'muvis-small', version: '1', embeddingDim: 128 }));
  writeFileSync(join(dir, 'audio.onnx'), 'audio tower');
  writeFileSync(join(dir, 'image.onnx'), 'image tower');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const mismatch = { name: 'GenerationError', code: 'ENCODER_MISMATCH' };

test('the pinned bundle passes', async () => {
  await checkEncoderPin(pin(), dir);
});

test('another version, dimension or file is ENCODER_MISMATCH, naming what differs', async () => {
  await assert.rejects(checkEncoderPin({ ...pin(), version: '2' }, dir), { ...mismatch, message: /is muvis-small v1/ });
  await assert.rejects(checkEncoderPin({ ...pin(), dim: 64 }, dir), { ...mismatch, message: /128 dimensions, not 64/ });
  await assert.rejects(checkEncoderPin({ ...pin(), files: { ...pin().files, 'image.onnx': sha('retrained tower') } }, dir), { ...mismatch, message: /image.onnx has sha256/ });
  await assert.rejects(checkEncoderPin({ ...pin(), files: { ...pin().files, 'extra.onnx': sha('x') } }, dir), { ...mismatch, message: /extra.onnx is missing/ });
  await assert.rejects(checkEncoderPin(pin(), join(dir, 'nowhere')), { ...mismatch, message: /is not at/ });
});
