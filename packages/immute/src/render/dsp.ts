// Small DSP for the recording character: biquads, a Schroeder room, drive, seeded noise.
import type { Rng } from '../rng.js';

/** RBJ cookbook biquad, applied in place. */
export function biquad(x: Float32Array, sampleRate: number, type: 'lowpass' | 'highpass' | 'bandpass', freq: number, q = Math.SQRT1_2): void {
  const w = (2 * Math.PI * Math.min(freq, sampleRate * 0.49)) / sampleRate;
  const cos = Math.cos(w);
  const alpha = Math.sin(w) / (2 * q);
  let b0: number, b1: number, b2: number;
  if (type === 'lowpass') { b0 = (1 - cos) / 2; b1 = 1 - cos; b2 = (1 - cos) / 2; }
  else if (type === 'highpass') { b0 = (1 + cos) / 2; b1 = -(1 + cos); b2 = (1 + cos) / 2; }
  else { b0 = alpha; b1 = 0; b2 = -alpha; }
  const a0 = 1 + alpha, a1 = -2 * cos, a2 = 1 - alpha;
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const y = (b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0;
    x2 = x1; x1 = xi; y2 = y1; y1 = y;
    x[i] = y;
  }
}

/** Schroeder reverb: four damped combs in parallel, two allpasses in series; mixes `wet` in place. */
export function room(x: Float32Array, sampleRate: number, wet: number): void {
  if (wet <= 0) return;
  const scale = sampleRate / 44100;
  const combs = [1557, 1617, 1491, 1422].map((d) => Math.round(d * scale));
  const allpasses = [225, 556].map((d) => Math.round(d * scale));
  const out = new Float32Array(x.length);
  for (const d of combs) {
    const buf = new Float32Array(d);
    let idx = 0, lp = 0;
    for (let i = 0; i < x.length; i++) {
      const y = buf[idx];
      lp = y * 0.7 + lp * 0.3;
      buf[idx] = x[i] + lp * 0.8;
      out[i] += y * 0.25;
      idx = idx + 1 === d ? 0 : idx + 1;
    }
  }
  for (const d of allpasses) {
    const buf = new Float32Array(d);
    let idx = 0;
    for (let i = 0; i < out.length; i++) {
      const b = buf[idx];
      const y = -out[i] + b;
      buf[idx] = out[i] + b * 0.5;
      out[i] = y;
      idx = idx + 1 === d ? 0 : idx + 1;
    }
  }
  for (let i = 0; i < x.length; i++) x[i] = x[i] * (1 - wet * 0.5) + out[i] * wet;
}

export function drive(x: Float32Array, amount: number): void {
  if (amount <= 0) return;
  const norm = Math.tanh(amount);
  for (let i = 0; i < x.length; i++) x[i] = Math.tanh(x[i] * amount) / norm;
}

export function peak(x: Float32Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

export function normalise(x: Float32Array, target: number): void {
  const p = peak(x);
  if (p < 1e-6) return;
  const g = target / p;
  for (let i = 0; i < x.length; i++) x[i] *= g;
}

/** white noise lightly low-passed (hiss), at `db` relative to full scale */
export function addHiss(x: Float32Array, rng: Rng, db: number): void {
  const amp = Math.pow(10, db / 20) * 1.7;
  let lp = 0;
  for (let i = 0; i < x.length; i++) {
    lp = 0.6 * lp + 0.4 * (rng.next() * 2 - 1);
    x[i] += lp * amp;
  }
}

/** crowd: band-passed noise swelling slowly, with sparse claps */
export function addCrowd(x: Float32Array, sampleRate: number, rng: Rng, db: number): void {
  const crowd = new Float32Array(x.length);
  for (let i = 0; i < crowd.length; i++) crowd[i] = rng.next() * 2 - 1;
  biquad(crowd, sampleRate, 'bandpass', 900, 0.7);
  const amp = Math.pow(10, db / 20) * 3;
  const phase = rng.range(0, Math.PI * 2);
  for (let i = 0; i < x.length; i++) {
    const swell = 0.6 + 0.4 * Math.sin(phase + (2 * Math.PI * 0.23 * i) / sampleRate);
    x[i] += crowd[i] * amp * swell;
  }
  const claps = rng.int(3, 9);
  for (let c = 0; c < claps; c++) {
    const at = rng.int(0, x.length - 800);
    for (let i = 0; i < 600; i++) x[at + i] += (rng.next() * 2 - 1) * amp * 2 * Math.exp(-i / 90);
  }
}

export function fade(x: Float32Array, sampleRate: number, inSeconds: number, outSeconds: number): void {
  const nIn = Math.round(inSeconds * sampleRate);
  const nOut = Math.round(outSeconds * sampleRate);
  for (let i = 0; i < nIn && i < x.length; i++) x[i] *= i / nIn;
  for (let i = 0; i < nOut && i < x.length; i++) x[x.length - 1 - i] *= i / nOut;
}
