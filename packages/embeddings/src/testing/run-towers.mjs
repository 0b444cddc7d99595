// Runs a bundle's two ONNX towers on fixed inputs and prints their outputs as JSON. Plain
// JavaScript, one process, so the cross-CPU test can run it under an emulated CPU
// (qemu-x86_64 -cpu Haswell) as cheaply as natively. Usage: node run-towers.mjs BUNDLE_DIR
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

const bundleDir = process.argv[2];
const fixtures = new URL('../../fixtures/golden/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(bundleDir, 'manifest.json'), 'utf8'));

function f32(file) {
  const bytes = readFileSync(join(fixtures, file));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** The golden clip's log-mel frames, normalised as the bundle asks and zero-padded to one window. */
function audioWindow() {
  const { maxFrames, normalize, fbank } = manifest.audio;
  const mels = fbank.numMelBins;
  const frames = f32('fbank.f32');
  const window = new Float32Array(maxFrames * mels);
  const n = Math.min(frames.length, window.length);
  for (let i = 0; i < n; i++) window[i] = (frames[i] - normalize.mean) / (normalize.std * 2);
  return new ort.Tensor('float32', window, [1, maxFrames, mels]);
}

/** The golden picture's tensor (128 px), scaled to the bundle's size by nearest neighbour. */
function imageBatch() {
  const size = manifest.image.size;
  const source = f32('image-tensor.f32');
  const from = Math.round(Math.sqrt(source.length / 3));
  const pixels = new Float32Array(3 * size * size);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const sy = Math.floor((y * from) / size);
        const sx = Math.floor((x * from) / size);
        pixels[(c * size + y) * size + x] = source[(c * from + sy) * from + sx];
      }
    }
  }
  return new ort.Tensor('float32', pixels, [1, 3, size, size]);
}

async function run(tower, input) {
  const { onnx, input: name, output } = manifest[tower];
  const session = await ort.InferenceSession.create(join(bundleDir, onnx), {
    executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all',
  });
  const result = await session.run({ [name]: input });
  await session.release();
  return Array.from(result[output].data);
}

const out = { audio: await run('audio', audioWindow()), image: await run('image', imageBatch()) };
process.stdout.write(`${JSON.stringify(out)}\n`);
