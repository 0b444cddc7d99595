import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadBundle, resolveBundleDir, decodeAudio, decodeImage, BundleError, InvalidMediaError, type MuvisBundle,
} from '@muse/embeddings';
import { meanPoolNormalized } from './audio/windows.js';
import { FIXTURES, REPO_ROOT, fixture, golden, makeWav, maxAbsDiff, sine } from './testing/helpers.js';

/** Golden tolerance for embeddings (absolute, per component; they are unit vectors). */
const EMBEDDING_TOLERANCE = 1e-3;
const BUNDLE_DIR = join(FIXTURES, 'bundle');

let bundle: MuvisBundle;
const scratch: string[] = [];

async function fixtureBundle(): Promise<MuvisBundle> {
  bundle ??= await loadBundle(BUNDLE_DIR);
  return bundle;
}

async function tempCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'muse-bundle-'));
  scratch.push(dir);
  await cp(BUNDLE_DIR, dir, { recursive: true });
  return dir;
}

after(async () => {
  await bundle?.close();
  await Promise.all(scratch.map((d) => rm(d, { recursive: true, force: true })));
});

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

test('loadBundle reads the manifest and exposes name, version, dim', async () => {
  const b = await fixtureBundle();
  assert.equal(b.name, 'fixture-tiny');
  assert.equal(b.version, '1');
  assert.equal(b.dim, 128);
  assert.equal(b.manifest.audio.maxFrames, 512);
});

test('embeddings of the golden WAV and PNG equal onnxruntime-in-Python within 1e-3', async () => {
  const b = await fixtureBundle();
  const expected = golden().bundles.fixture;
  const audio = await b.embedAudio(fixture('golden', 'golden.wav'));
  const image = await b.embedImage(fixture('golden', 'golden.png'));
  assert.equal(audio.length, 128);
  assert.ok(Math.abs(norm(audio) - 1) < 1e-5);
  assert.ok(maxAbsDiff(audio, expected.audio) <= EMBEDDING_TOLERANCE, `audio max |Δ| = ${maxAbsDiff(audio, expected.audio)}`);
  assert.ok(maxAbsDiff(image, expected.image) <= EMBEDDING_TOLERANCE, `image max |Δ| = ${maxAbsDiff(image, expected.image)}`);
});

test('a tower batch gives what one-at-a-time runs give', async () => {
  const b = await fixtureBundle();
  const clips = [fixture('golden', 'golden.wav'), makeWav([sine(330, 16000, 1.2)], 16000), fixture('media', 'tone.ogg')];
  const audioInputs = [];
  for (const bytes of clips) {
    const audio = await decodeAudio(bytes);
    audioInputs.push(b.audioInputs(audio.samples, audio.sampleRate)[0]);
  }
  const audioBatch = await b.runAudioTower(audioInputs);
  for (let i = 0; i < audioInputs.length; i++) assert.ok(maxAbsDiff(audioBatch[i], (await b.runAudioTower([audioInputs[i]]))[0]) < 1e-5);
  const imageInputs = [];
  for (const name of ['golden.png', 'small.png']) imageInputs.push(b.imageInput(await decodeImage(fixture('golden', name))));
  const imageBatch = await b.runImageTower(imageInputs);
  for (let i = 0; i < imageInputs.length; i++) assert.ok(maxAbsDiff(imageBatch[i], (await b.runImageTower([imageInputs[i]]))[0]) < 1e-5);
  assert.ok(maxAbsDiff(imageBatch[0], imageBatch[1]) > 0.01, 'different images give different embeddings');
});

test('decoded-input variants equal the bytes variants', async () => {
  const b = await fixtureBundle();
  const image = await decodeImage(fixture('golden', 'golden.png'));
  assert.deepEqual(await b.embedImagePixels(image), await b.embedImage(fixture('golden', 'golden.png')));
  const audio = await decodeAudio(fixture('media', 'tone.flac'));
  assert.deepEqual(await b.embedAudioSamples(audio.samples, audio.sampleRate), await b.embedAudio(fixture('media', 'tone.flac')));
});

test('a long clip is embedded as the mean of its windows, L2-normalised', async () => {
  const b = await fixtureBundle();
  const rate = 16000;
  const seconds = 12; // 1198 frames → windows at frames 0, 256, 512, 686
  const clip = Float32Array.from({ length: rate * seconds }, (_, i) => 0.4 * Math.sin(2 * Math.PI * (200 + 40 * (i / rate)) * (i / rate)));
  const inputs = b.audioInputs(clip, rate);
  assert.equal(inputs.length, 4);
  const shift = 160;
  const windowSamples = (512 - 1) * shift + 400;
  const perWindow = [];
  for (const startFrame of [0, 256, 512, 686]) {
    const slice = clip.subarray(startFrame * shift, startFrame * shift + windowSamples);
    perWindow.push(await b.embedAudioSamples(slice, rate));
  }
  const whole = await b.embedAudioSamples(clip, rate);
  assert.ok(maxAbsDiff(whole, meanPoolNormalized(perWindow)) < 1e-5);
  assert.ok(maxAbsDiff(whole, perWindow[0]) > 1e-3, 'windows differ, so pooling matters');
});

test('a clip shorter than one window is padded; shorter than one frame is BAD_USER_INPUT', async () => {
  const b = await fixtureBundle();
  const inputs = b.audioInputs(sine(440, 16000, 0.5), 16000);
  assert.equal(inputs.length, 1);
  assert.equal(inputs[0].length, 512 * 128);
  assert.ok(inputs[0].subarray(48 * 128).every((v) => v === 0));
  await assert.rejects(b.embedAudioSamples(new Float32Array(100), 16000), (e: unknown) => e instanceof InvalidMediaError && e.code === 'BAD_USER_INPUT');
});

test('audio at another rate is resampled to the bundle rate first', async () => {
  const b = await fixtureBundle();
  const at16k = await b.embedAudioSamples(sine(440, 16000, 2), 16000);
  const at44k = await b.embedAudioSamples(sine(440, 44100, 2), 44100);
  assert.ok(maxAbsDiff(at16k, at44k) < 0.02, `max |Δ| = ${maxAbsDiff(at16k, at44k)}`);
});

test('a manifest with missing or bad fields is a BundleError naming each one', async () => {
  const dir = await tempCopy();
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  delete manifest.audio.fbank.numMelBins;
  manifest.image.size = -1;
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  await assert.rejects(loadBundle(dir), (e: unknown) =>
    e instanceof BundleError && e.code === 'BUNDLE_INVALID' && /missing audio\.fbank\.numMelBins/.test(e.message) && /image\.size must be a positive integer/.test(e.message));
  await writeFile(join(dir, 'manifest.json'), '{ not json');
  await assert.rejects(loadBundle(dir), /not valid JSON/);
  await assert.rejects(loadBundle(join(dir, 'nope')), (e: unknown) => e instanceof BundleError && /No model bundle/.test(e.message));
});

test('a missing ONNX file or a wrong tensor name is a BundleError', async () => {
  const dir = await tempCopy();
  await rm(join(dir, 'image.onnx'));
  await assert.rejects(loadBundle(dir), (e: unknown) => e instanceof BundleError && /image tower/.test(e.message));
  const dir2 = await tempCopy();
  const manifest = JSON.parse(await readFile(join(dir2, 'manifest.json'), 'utf8'));
  manifest.audio.input = 'spectrogram';
  await writeFile(join(dir2, 'manifest.json'), JSON.stringify(manifest));
  await assert.rejects(loadBundle(dir2), (e: unknown) => e instanceof BundleError && /no input named 'spectrogram'/.test(e.message));
});

test('resolveBundleDir follows models/default', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'muse-models-'));
  scratch.push(dir);
  await writeFile(join(dir, 'default'), 'muvis-small\n');
  assert.equal(await resolveBundleDir(dir), join(dir, 'muvis-small'));
  assert.equal(await resolveBundleDir(dir, 'other'), join(dir, 'other'));
  await writeFile(join(dir, 'default'), '../etc\n');
  await assert.rejects(resolveBundleDir(dir), BundleError);
});

/**
 * Tolerance for shipped bundles, absolute per component of a unit vector. The bundles are float32,
 * so Node and Python, and any two x86-64 CPUs (AVX2, AVX-512, AMX), differ only in summation order:
 * about 1e-6 measured. int8 towers were 1e-2 apart between an AVX2 and an AVX-512 machine, because
 * the kernels quantise activations differently; 1e-4 fails any such bundle with a 100x margin over
 * float rounding, and moves a cosine by at most 2e-4, far below the gap between neighbours.
 */
const SHIPPED_TOLERANCE = 1e-4;

// Trained bundles shipped in models/: golden.json holds onnxruntime-in-Python's embeddings for the
// exact weights it saw. A bundle replaced without re-running make_golden.py fails here.
for (const [name, expected] of Object.entries<any>(golden().bundles)) {
  if (name === 'fixture') continue;
  test(`trained bundle models/${name}: golden embeddings within ${SHIPPED_TOLERANCE} on this CPU`, async (t) => {
    const dir = join(REPO_ROOT, 'models', name);
    if (!existsSync(join(dir, 'manifest.json'))) return t.skip(`models/${name} is not present`);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    for (const file of [manifest.audio.onnx, manifest.image.onnx]) {
      const sha = createHash('sha256').update(readFileSync(join(dir, file))).digest('hex');
      assert.equal(sha, expected.onnxSha256[file], `models/${name}/${file} changed since the fixtures were made: run python3 packages/embeddings/fixtures/make_golden.py`);
    }
    const trained = await loadBundle(dir);
    try {
      const audio = await trained.embedAudio(fixture('golden', 'golden.wav'));
      const image = await trained.embedImage(fixture('golden', 'golden.png'));
      assert.ok(maxAbsDiff(audio, expected.audio) <= SHIPPED_TOLERANCE, `audio max |Δ| = ${maxAbsDiff(audio, expected.audio)} (fixtures from ${golden().cpu})`);
      assert.ok(maxAbsDiff(image, expected.image) <= SHIPPED_TOLERANCE, `image max |Δ| = ${maxAbsDiff(image, expected.image)} (fixtures from ${golden().cpu})`);
    } finally {
      await trained.close();
    }
  });
}

test('every bundle in models/ is float32: no int8 kernels, whose rounding differs by CPU', () => {
  const models = join(REPO_ROOT, 'models');
  const bundles = readdirSync(models, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(models, d.name, 'manifest.json')));
  assert.ok(bundles.length > 0);
  for (const d of bundles) {
    const manifest = JSON.parse(readFileSync(join(models, d.name, 'manifest.json'), 'utf8'));
    // MuVis bundles hold two towers; an Imagic bundle (kind "imagic") one decoder; a MusIm bundle an autoencoder and a denoiser
    const files = manifest.kind === 'imagic' ? [manifest.decoder.onnx]
      : manifest.kind === 'musim' ? [manifest.autoencoder.encoder, manifest.autoencoder.decoder, manifest.denoiser.onnx]
        : [manifest.audio.onnx, manifest.image.onnx];
    assert.ok(files.every((f) => typeof f === 'string'), `models/${d.name}/manifest.json names its ONNX files`);
    for (const file of files) {
      const bytes = readFileSync(join(models, d.name, file)).toString('latin1');
      for (const op of ['MatMulInteger', 'DynamicQuantizeLinear', 'QLinearMatMul', 'DynamicQuantizeMatMul']) {
        assert.ok(!bytes.includes(op), `models/${d.name}/${file} uses ${op}`);
      }
    }
  }
});
