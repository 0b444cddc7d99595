import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resample } from './resample.js';
import { sine } from '../testing/helpers.js';

/** Amplitude of `frequency` in x by least-squares fit of sin + cos (exact for a pure tone). */
function amplitudeAt(x: Float32Array, rate: number, frequency: number): number {
  let ss = 0, cc = 0, sc = 0, xs = 0, xc = 0;
  for (let i = 0; i < x.length; i++) {
    const s = Math.sin((2 * Math.PI * frequency * i) / rate);
    const c = Math.cos((2 * Math.PI * frequency * i) / rate);
    ss += s * s; cc += c * c; sc += s * c; xs += x[i] * s; xc += x[i] * c;
  }
  const det = ss * cc - sc * sc;
  return Math.hypot((xs * cc - xc * sc) / det, (xc * ss - xs * sc) / det);
}

function rms(x: Float32Array): number {
  return Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
}

/** Drops the filter's edge transients. */
function middle(x: Float32Array): Float32Array {
  return x.subarray(Math.floor(x.length * 0.1), Math.floor(x.length * 0.9));
}

const dB = (ratio: number) => 20 * Math.log10(ratio);

test('a passband sine keeps its frequency and amplitude (44.1 kHz → 16 kHz, 48 kHz → 16 kHz, 8 kHz → 16 kHz)', () => {
  for (const [inRate, freq] of [[44100, 1000], [48000, 3000], [8000, 1000], [22050, 6000]] as const) {
    const out = resample(sine(freq, inRate, 1, 0.5), inRate, 16000);
    assert.equal(out.length, 16000, `${inRate} Hz length`);
    const core = middle(out);
    const amplitude = amplitudeAt(core, 16000, freq);
    assert.ok(Math.abs(dB(amplitude / 0.5)) < 0.05, `${inRate} Hz, ${freq} Hz tone: ${dB(amplitude / 0.5).toFixed(4)} dB`);
    // Everything that is not the tone (wrong frequency, distortion) is tiny.
    const residual = Float32Array.from(core, (v, i) => v - 0.5 * Math.sin((2 * Math.PI * freq * (i + Math.floor(out.length * 0.1))) / 16000));
    assert.ok(dB(rms(residual) / 0.5) < -60, `${inRate} Hz: residual ${dB(rms(residual) / 0.5).toFixed(1)} dB`);
  }
});

test('a tone above the new Nyquist is attenuated by at least 60 dB instead of aliasing', () => {
  for (const [inRate, freq] of [[44100, 9000], [44100, 15000], [48000, 8500]] as const) {
    const out = middle(resample(sine(freq, inRate, 1, 0.5), inRate, 16000));
    const alias = 16000 - freq > 0 ? 16000 - freq : freq - 16000;
    const level = dB(amplitudeAt(out, 16000, alias) / 0.5);
    assert.ok(level < -60, `${freq} Hz from ${inRate} Hz: alias at ${alias} Hz is ${level.toFixed(1)} dB`);
    assert.ok(dB(rms(out) / 0.5) < -60, `${freq} Hz: total ${dB(rms(out) / 0.5).toFixed(1)} dB`);
  }
});

test('upsampling adds no image above the old Nyquist', () => {
  const out = middle(resample(sine(3000, 8000, 1, 0.5), 8000, 16000));
  assert.ok(dB(amplitudeAt(out, 16000, 5000) / 0.5) < -60); // the image of 3 kHz about 4 kHz
});

test('a constant stays constant; equal rates copy; bad rates throw', () => {
  const out = resample(new Float32Array(4410).fill(0.25), 44100, 16000);
  for (const v of middle(out)) assert.ok(Math.abs(v - 0.25) < 1e-6);
  const x = sine(100, 16000, 0.1);
  const same = resample(x, 16000, 16000);
  assert.deepEqual(same, x);
  assert.notEqual(same, x);
  assert.throws(() => resample(x, 0, 16000), RangeError);
  assert.throws(() => resample(x, 44100.5, 16000), RangeError);
});
