// End to end on real ONNX files: the untrained bundle training/musim/export.py leaves at
// data/musim/bundles/musim-untrained (or MUSIM_TEST_BUNDLE, which the training smoke test points at the bundle it has
// just trained and exported). Nothing generated is checked in: without a bundle these tests skip, saying so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { encodeWav } from '@muse/immute';
import { pinnedEncoderDir } from '../imagic/encoder-pin.js';
import { GenerationError } from '../imagic/errors.js';
import { gradientPng } from '../testing/png.js';
import { loadMusimBundle, readMusimManifest, type MusimBundle, type MusimModels } from './bundle.js';
import { embedMusicCondition } from './condition.js';
import { generateMusim, type MusimProgress } from './generate.js';
import type { LatentDenoiser } from './models.js';
import { encodePicture, guideTensor } from './picture.js';
import type { MusimRequest } from './request.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BUNDLE = process.env.MUSIM_TEST_BUNDLE ?? join(ROOT, 'data/musim/bundles/musim-untrained');
const skip = existsSync(join(BUNDLE, 'manifest.json')) ? false
  : `no MusIm bundle at ${BUNDLE}: run \`python3 training/musim/export.py --untrained --config tiny --seed 0 --out ${BUNDLE}\` (or set MUSIM_TEST_BUNDLE)`;

/** a 3 s chord, as a WAV file */
function chordWav(): Uint8Array {
  const rate = 16000;
  const samples = Float32Array.from({ length: 3 * rate }, (_, i) => 0.2 * (Math.sin(2 * Math.PI * 220 * i / rate) + Math.sin(2 * Math.PI * 277.2 * i / rate) + Math.sin(2 * Math.PI * 329.6 * i / rate)));
  return encodeWav(samples, rate);
}

/** the bundle's denoiser, counting its calls */
function counting(denoiser: LatentDenoiser): LatentDenoiser & { calls: number } {
  const counted = {
    calls: 0, latent: denoiser.latent, condDim: denoiser.condDim,
    predict: (f: Parameters<LatentDenoiser['predict']>[0]) => { counted.calls++; return denoiser.predict(f); },
    close: () => denoiser.close(),
  };
  return counted;
}

let bundle: MusimBundle;
let condition: Float32Array;
before(async () => {
  if (skip) return;
  const manifest = await readMusimManifest(BUNDLE);
  bundle = await loadMusimBundle(BUNDLE, { intraOpThreads: 1, encoderDir: pinnedEncoderDir(manifest.encoder, join(ROOT, 'models')) });
  condition = await embedMusicCondition(bundle.encoder!, chordWav());
});
after(async () => { await bundle?.close(); });

const request = (extra: Partial<MusimRequest> = {}): MusimRequest => ({ condition, seed: 7, steps: 5, ...extra });

test('one picture twice with one seed: byte-identical 256×256 PNGs; another seed differs', { skip }, async () => {
  for (const sampler of ['dpmpp-2m', 'ddim'] as const) {
    const [a] = await generateMusim(bundle, request({ sampler }));
    const [b] = await generateMusim(bundle, request({ sampler }));
    assert.deepEqual(Buffer.from(a.png), Buffer.from(b.png), sampler);
    const meta = await sharp(a.png).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, a.width], ['png', 256, 256, 256]);
    const [c] = await generateMusim(bundle, request({ sampler, seed: 8 }));
    assert.notDeepEqual(Buffer.from(c.png), Buffer.from(a.png));
  }
});

test('SDEdit at strength 0 returns decode(encode(guide)) without calling the denoiser', { skip }, async () => {
  const guide = gradientPng(300, 200, 4);
  const denoiser = counting(bundle.denoiser);
  const models: MusimModels = { ...bundle, denoiser };
  const [image] = await generateMusim(models, request({ guide: { image: guide, strength: 0 } }));
  assert.equal(denoiser.calls, 0);
  const { autoencoder } = bundle;
  const expected = await encodePicture(await autoencoder.decode(await autoencoder.encode(await guideTensor(guide, 256), 1), 1), 256);
  assert.deepEqual(Buffer.from(image.png), Buffer.from(expected.png));
  const [guided] = await generateMusim(models, request({ guide: { image: guide, strength: 0.6 }, steps: 10 }));
  assert.equal(denoiser.calls, 6);
  assert.notDeepEqual(Buffer.from(guided.png), Buffer.from(expected.png));
});

test('count 2 gives seeds s and s + 1, progress reaches steps/steps, previews decode; upscale gives 512×512', { skip }, async () => {
  const seen: MusimProgress[] = [];
  const images = await generateMusim(bundle, request({ count: 2, seed: 41, previewEvery: 2 }), { onProgress: (p) => seen.push(p) });
  assert.deepEqual(images.map((i) => i.seed), [41, 42]);
  const [second] = await generateMusim(bundle, request({ seed: 42 }));
  assert.deepEqual(Buffer.from(images[1].png), Buffer.from(second.png));
  assert.deepEqual(seen.filter((p) => p.done).map((p) => [p.variation, p.step, p.steps]), [[0, 5, 5], [1, 5, 5]]);
  assert.equal(seen.filter((p) => p.preview).length, 4);
  assert.equal((await sharp(seen.find((p) => p.preview)!.preview!).metadata()).width, 256);
  const [big] = await generateMusim(bundle, request({ upscale: true, steps: 2 }));
  assert.equal((await sharp(big.png).metadata()).width, 512);
});

test('an abort stops between steps; bad requests are refused with BAD_USER_INPUT', { skip }, async () => {
  const denoiser = counting(bundle.denoiser);
  const controller = new AbortController();
  await assert.rejects(generateMusim({ ...bundle, denoiser }, request({ steps: 20 }), {
    signal: controller.signal, onProgress: (p) => { if (p.step === 2) controller.abort(new Error('cancelled')); },
  }), /cancelled/);
  assert.equal(denoiser.calls, 2);
  for (const extra of [{ steps: 51 }, { count: 5 }, { guidanceScale: 25 }, { seed: -3 }, { condition: new Float32Array(128) }, { guide: { image: new Uint8Array([1, 2, 3]) } }]) {
    await assert.rejects(generateMusim(bundle, request(extra)), (e: unknown) => e instanceof GenerationError && e.code === 'BAD_USER_INPUT', JSON.stringify(extra));
  }
});

test('an encoder that is not the pinned one is ENCODER_MISMATCH', { skip }, async () => {
  const elsewhere = mkdtempSync(join(tmpdir(), 'musim-encoder-'));
  try {
    await assert.rejects(loadMusimBundle(BUNDLE, { encoderDir: elsewhere }), { code: 'ENCODER_MISMATCH' });
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
});
