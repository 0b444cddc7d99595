import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAudio } from '@muse/embeddings';
import { RealFft } from './fft.js';
import { fbank, normalizeFbank, AST_FBANK_OPTIONS, type FbankOptions } from './fbank.js';
import { windowStarts, hopFrames } from './windows.js';
import { createRng } from '@muse/immute';
import { fixture, golden, maxAbsDiff, readF32 } from '../testing/helpers.js';

/** Golden tolerance, absolute, in the log-mel domain (both sides compute in float64; observed ~1e-6). */
const FBANK_TOLERANCE = 1e-3;

test('real FFT power spectrum equals a direct DFT', () => {
  const random = createRng(7).next;
  for (const n of [8, 64, 512]) {
    const x = Float64Array.from({ length: n }, () => random() * 2 - 1);
    const power = new Float64Array(n / 2 + 1);
    new RealFft(n).powerSpectrum(x, power);
    for (let k = 0; k <= n / 2; k++) {
      let re = 0;
      let im = 0;
      for (let t = 0; t < n; t++) {
        re += x[t] * Math.cos((2 * Math.PI * k * t) / n);
        im -= x[t] * Math.sin((2 * Math.PI * k * t) / n);
      }
      assert.ok(Math.abs(power[k] - (re * re + im * im)) < 1e-9 * n, `n=${n} k=${k}`);
    }
  }
  assert.throws(() => new RealFft(400), RangeError);
});

test('fbank of the golden WAV matches training/muvis/features.py within 1e-3', async () => {
  const meta = golden();
  const audio = await decodeAudio(fixture('golden', 'golden.wav'));
  assert.equal(audio.sampleRate, 16000);
  const options = meta.fbank.params as FbankOptions;
  const ours = fbank(audio.samples, audio.sampleRate, options);
  const expected = readF32('golden', 'fbank.f32');
  assert.equal(ours.frames, meta.fbank.frames);
  assert.equal(ours.numMelBins, meta.fbank.numMelBins);
  const diff = maxAbsDiff(ours.data, expected);
  assert.ok(diff <= FBANK_TOLERANCE, `max |Δ| = ${diff}`);
  // The clip has exact digital silence: those frames sit on the log floor on both sides.
  assert.ok(expected.some((v) => v === Math.fround(Math.log(AST_FBANK_OPTIONS.melFloor))));
  assert.ok(ours.data.some((v) => v === Math.fround(Math.log(AST_FBANK_OPTIONS.melFloor))));
});

test('normalised features match the reference and are zero-padded after normalising', async () => {
  const meta = golden();
  const audio = await decodeAudio(fixture('golden', 'golden.wav'));
  const features = fbank(audio.samples, audio.sampleRate, meta.fbank.params);
  const input = normalizeFbank(features, meta.features.normalize, meta.features.maxFrames);
  assert.equal(input.length, meta.features.maxFrames * features.numMelBins);
  const rows = meta.features.rows as number;
  const expected = readF32('golden', 'features.f32');
  const diff = maxAbsDiff(input.subarray(0, rows * features.numMelBins), expected);
  assert.ok(diff <= FBANK_TOLERANCE, `max |Δ| = ${diff}`);
  assert.ok(input.subarray(features.frames * features.numMelBins).every((v) => v === 0));
  const truncated = normalizeFbank(features, meta.features.normalize, 10);
  assert.deepEqual(truncated, input.subarray(0, 10 * features.numMelBins));
});

test('frame count follows snip_edges; shorter than one frame gives none', () => {
  assert.equal(fbank(new Float32Array(399), 16000).frames, 0);
  assert.equal(fbank(new Float32Array(400), 16000).frames, 1);
  assert.equal(fbank(new Float32Array(16000), 16000).frames, 98);
  assert.equal(fbank(new Float32Array(160000), 16000).frames, 998);
});

test('a tone lights the mel bin that contains its frequency', () => {
  const rate = 16000;
  const tone = Float32Array.from({ length: rate }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / rate));
  const { data, numMelBins } = fbank(tone, rate);
  const frame = data.subarray(50 * numMelBins, 51 * numMelBins);
  const peak = frame.indexOf(Math.max(...frame));
  const mel = (f: number) => 1127 * Math.log(1 + f / 700);
  const centre = (m: number) => mel(20) + ((m + 1) * (mel(8000) - mel(20))) / (numMelBins + 1);
  const nearest = Array.from({ length: numMelBins }, (_, m) => Math.abs(centre(m) - mel(1000)));
  assert.equal(peak, nearest.indexOf(Math.min(...nearest)));
});

test('dither and energy are refused so features stay deterministic', () => {
  assert.throws(() => fbank(new Float32Array(1000), 16000, { ...AST_FBANK_OPTIONS, dither: 1 }), RangeError);
  assert.throws(() => fbank(new Float32Array(1000), 16000, { ...AST_FBANK_OPTIONS, useEnergy: true }), RangeError);
});

test('window starts match the reference', () => {
  const meta = golden();
  for (const [frames, starts] of Object.entries(meta.windowStarts)) {
    assert.deepEqual(windowStarts(Number(frames), 512, 256), starts, `frames=${frames}`);
  }
  assert.equal(hopFrames(2.56, 10), 256);
});
