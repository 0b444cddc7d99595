import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { GenerationError } from '../imagic/errors.js';
import { gradientPng } from '../testing/png.js';
import type { MusimModels } from './bundle.js';
import { fakeCondition, FakeAutoencoder, FAKE_IMAGE_SIZE, OracleDenoiser, scaledLinearSchedule } from './fake-models.js';
import { generateMusim, type MusimProgress } from './generate.js';
import { encodePicture, guideTensor } from './picture.js';
import { checkMusimRequest, MUSIM_LIMITS, type MusimRequest } from './request.js';

const n = 4 * 4 * 4;
const mean = Float32Array.from({ length: n }, (_, i) => 0.6 * Math.sin(i * 1.3));
const models = (): MusimModels & { denoiser: OracleDenoiser; autoencoder: FakeAutoencoder } => {
  const schedule = scaledLinearSchedule(1000);
  return { schedule, denoiser: new OracleDenoiser(schedule, mean, 0.4, Float32Array.from(mean, (x) => -x)), autoencoder: new FakeAutoencoder() };
};
const request = (extra: Partial<MusimRequest> = {}): MusimRequest => ({ condition: fakeCondition(), seed: 7, steps: 6, ...extra });
const isBadInput = (e: unknown): boolean => e instanceof GenerationError && e.code === 'BAD_USER_INPUT';

test('the same seed gives byte-identical PNGs; variations use seed, seed + 1, … (mod 2^32)', async () => {
  const [a] = await generateMusim(models(), request());
  const [b] = await generateMusim(models(), request());
  assert.deepEqual(Buffer.from(a.png), Buffer.from(b.png));
  assert.deepEqual([a.seed, a.width, a.height], [7, FAKE_IMAGE_SIZE, FAKE_IMAGE_SIZE]);
  const meta = await sharp(a.png).metadata();
  assert.deepEqual([meta.format, meta.width, meta.channels], ['png', FAKE_IMAGE_SIZE, 3]);
  const [c] = await generateMusim(models(), request({ seed: 8 }));
  assert.notDeepEqual(Buffer.from(c.png), Buffer.from(a.png));
  const two = await generateMusim(models(), request({ count: 2 }));
  assert.deepEqual(two.map((i) => i.seed), [7, 8]);
  assert.deepEqual(Buffer.from(two[0].png), Buffer.from(a.png));
  assert.deepEqual(Buffer.from(two[1].png), Buffer.from(c.png));
  const wrapped = await generateMusim(models(), request({ seed: 0xffffffff, count: 2 }));
  assert.deepEqual(wrapped.map((i) => i.seed), [0xffffffff, 0]);
  for (const sampler of ['ddim', 'dpmpp-2m'] as const) {
    const m = models();
    const [image] = await generateMusim(m, request({ sampler, steps: 9 }));
    assert.equal(image.stats.denoiserCalls, 9);
    assert.equal(m.denoiser.calls.length, 9);
  }
});

test('guidance 1 runs one row, the default 3 two rows in one call', async () => {
  const plain = models();
  await generateMusim(plain, request({ guidanceScale: 1 }));
  assert.ok(plain.denoiser.calls.every((c) => c.rows === 1 && c.condMask.join() === '1'));
  const guided = models();
  await generateMusim(guided, request());
  assert.ok(guided.denoiser.calls.every((c) => c.rows === 2 && c.condMask.join() === '1,0'));
  assert.deepEqual(guided.denoiser.calls.map((c) => c.timesteps[0]), [999, 832, 666, 499, 332, 166]);
});

test('SDEdit: strength 0 is decode(encode(guide)) with no denoiser call; 1 ignores the guide; between, proportionally fewer steps', async () => {
  const guide = gradientPng(40, 24, 2);
  const m = models();
  const reconstruction = await encodePicture(await m.autoencoder.decode(await m.autoencoder.encode(await guideTensor(guide, FAKE_IMAGE_SIZE), 1), 1), FAKE_IMAGE_SIZE);
  const zero = models();
  const seen: MusimProgress[] = [];
  const images = await generateMusim(zero, request({ guide: { image: guide, strength: 0 }, count: 2 }), { onProgress: (p) => seen.push(p) });
  assert.equal(zero.denoiser.calls.length, 0);
  assert.deepEqual(images.map((i) => i.seed), [7, 8]);
  for (const image of images) assert.deepEqual(Buffer.from(image.png), Buffer.from(reconstruction.png));
  assert.deepEqual(seen.map((p) => [p.step, p.steps, p.done]), [[0, 0, true], [0, 0, true]]);

  const one = models();
  const [ignored] = await generateMusim(one, request({ guide: { image: guide, strength: 1 } }));
  assert.equal(one.autoencoder.encodes, 0, 'the guide is not even encoded');
  const [unguided] = await generateMusim(models(), request());
  assert.deepEqual(Buffer.from(ignored.png), Buffer.from(unguided.png));

  const half = models();
  const [guided] = await generateMusim(half, request({ guide: { image: guide, strength: 0.5 }, steps: 20 }));
  assert.deepEqual(half.denoiser.calls.map((c) => c.timesteps[0]), [499, 449, 399, 349, 299, 249, 199, 149, 99, 49]);
  assert.notDeepEqual(Buffer.from(guided.png), Buffer.from(reconstruction.png));
  const [again] = await generateMusim(models(), request({ guide: { image: guide }, steps: 20 }));
  assert.equal(again.stats.denoiserCalls, 12, 'the default strength 0.6 takes 12 of 20 steps');
});

test('progress after every step, a preview PNG every previewEvery steps; an abort stops between steps', async () => {
  const seen: MusimProgress[] = [];
  await generateMusim(models(), request({ count: 2, steps: 5, previewEvery: 2 }), { onProgress: (p) => seen.push(p) });
  assert.deepEqual(seen.map((p) => `${p.variation}:${p.step}/${p.steps}${p.done ? ' done' : ''}${p.preview ? ' preview' : ''}`),
    ['0:1/5', '0:2/5 preview', '0:3/5', '0:4/5 preview', '0:5/5 done', '1:1/5', '1:2/5 preview', '1:3/5', '1:4/5 preview', '1:5/5 done']);
  assert.equal((await sharp(seen[1].preview!).metadata()).format, 'png');

  const m = models();
  const controller = new AbortController();
  const aborted = generateMusim(m, request({ steps: 10 }), {
    signal: controller.signal,
    onProgress: (p) => { if (p.step === 3) controller.abort(new Error('cancelled by the user')); },
  });
  await assert.rejects(aborted, /cancelled by the user/);
  assert.equal(m.denoiser.calls.length, 3);
  assert.equal(m.autoencoder.decodes, 0);
});

test('upscale doubles the side (Lanczos3) and stays deterministic', async () => {
  const [big] = await generateMusim(models(), request({ upscale: true }));
  const [again] = await generateMusim(models(), request({ upscale: true }));
  assert.deepEqual([big.width, big.height], [2 * FAKE_IMAGE_SIZE, 2 * FAKE_IMAGE_SIZE]);
  assert.equal((await sharp(big.png).metadata()).width, 2 * FAKE_IMAGE_SIZE);
  assert.deepEqual(Buffer.from(big.png), Buffer.from(again.png));
});

test('every field out of range is BAD_USER_INPUT, before any model runs; the API checks without a condition', async () => {
  const notAnImage = new TextEncoder().encode('hello, not a picture');
  const bad: Partial<MusimRequest>[] = [
    { seed: -1 }, { seed: 1.5 }, { seed: 2 ** 32 }, { count: 0 }, { count: 5 }, { steps: 0 }, { steps: 51 }, { steps: 2.5 },
    { sampler: 'euler' as 'ddim' }, { guidanceScale: -0.1 }, { guidanceScale: 21 }, { guidanceScale: NaN }, { previewEvery: 0 },
    { upscale: 'yes' as unknown as boolean }, { guide: { image: gradientPng(), strength: 1.5 } }, { guide: { image: gradientPng(), strength: -0.1 } },
    { guide: { image: notAnImage } }, { guide: { image: new Uint8Array(0) } },
    { condition: new Float32Array(3) }, { condition: Float32Array.from(fakeCondition(), (x) => 2 * x) }, { condition: Float32Array.from(fakeCondition(), () => NaN) },
  ];
  for (const extra of bad) {
    const m = models();
    await assert.rejects(generateMusim(m, request(extra)), isBadInput, JSON.stringify(extra));
    assert.equal(m.denoiser.calls.length + m.autoencoder.encodes, 0);
  }
  assert.deepEqual(checkMusimRequest({ seed: 3 }), { seed: 3, count: 1, steps: 20, sampler: 'dpmpp-2m', guidanceScale: 3, strength: undefined, upscale: false, previewEvery: undefined });
  assert.equal(checkMusimRequest({ seed: 3, guide: {} }).strength, 0.6, 'a guide named by asset id: its strength is checked, the bytes later');
  assert.throws(() => checkMusimRequest({ seed: 3, steps: MUSIM_LIMITS.maxSteps + 1 }), /steps must be an integer 1–50, got 51/);
});
