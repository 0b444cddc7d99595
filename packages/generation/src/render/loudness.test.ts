import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatedLoudness, normaliseLoudness, peakDb } from './loudness.js';

const RATE = 8000;
const sine = (seconds: number, amplitude: number): Float32Array => Float32Array.from({ length: seconds * RATE }, (_, i) => amplitude * Math.sin((2 * Math.PI * 440 * i) / RATE));
const near = (a: number, b: number, tol = 0.05): void => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('gated loudness: a sine is its mean square in dB, and silence around it is gated out', () => {
  near(gatedLoudness(sine(2, 0.1), RATE), 10 * Math.log10(0.005));
  const padded = new Float32Array(6 * RATE);
  padded.set(sine(2, 0.1), 2 * RATE);
  // ungated, the 4 s of silence would pull it to 10·log10(0.005 / 3) = −27.8 dB; the gate keeps the music's
  // blocks (the partly filled ones at its edges cost about half a dB)
  near(gatedLoudness(padded, RATE), 10 * Math.log10(0.005), 1);
  assert.equal(gatedLoudness(new Float32Array(RATE), RATE), -Infinity);
});

test('normalising reaches the target, unless that would peak above the ceiling', () => {
  const x = sine(2, 0.1);
  const r = normaliseLoudness(x, RATE);
  near(r.loudnessDb, -16);
  near(gatedLoudness(x, RATE), -16);
  near(peakDb(x), -16 + 3.01);
  const spiky = new Float32Array(2 * RATE);
  for (let i = 0; i < spiky.length; i += 400) spiky[i] = 0.5;
  const s = normaliseLoudness(spiky, RATE);
  near(s.peakDb, -1, 1e-6);
  near(peakDb(spiky), -1, 1e-6);
  assert.ok(s.loudnessDb < -16);
  const silent = new Float32Array(RATE);
  assert.equal(normaliseLoudness(silent, RATE).gainDb, 0);
});
