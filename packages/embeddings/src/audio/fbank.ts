import { RealFft } from './fft.js';

/** Kaldi fbank options, as a bundle manifest states them (`audio.fbank`). */
export interface FbankOptions {
  numMelBins: number;
  frameLengthMs: number;
  frameShiftMs: number;
  preemphasis: number;
  window: 'hanning' | 'hamming' | 'povey' | 'rectangular';
  lowFreq: number;
  /** ≤ 0 means Nyquist + highFreq, as in Kaldi. */
  highFreq: number;
  removeDcOffset: boolean;
  useEnergy: boolean;
  dither: number;
  roundToPowerOfTwo: boolean;
  /** Floor applied before the log: float32 machine epsilon in Kaldi/torchaudio. */
  melFloor: number;
}

export const FLOAT32_EPSILON = 1.1920928955078125e-7;

export const AST_FBANK_OPTIONS: FbankOptions = {
  numMelBins: 128, frameLengthMs: 25, frameShiftMs: 10, preemphasis: 0.97, window: 'hanning',
  lowFreq: 20, highFreq: 0, removeDcOffset: true, useEnergy: false, dither: 0, roundToPowerOfTwo: true,
  melFloor: FLOAT32_EPSILON,
};

export interface Fbank {
  /** Row-major [frames][numMelBins]. */
  data: Float32Array;
  frames: number;
  numMelBins: number;
}

interface FbankPlan {
  windowSize: number;
  windowShift: number;
  paddedSize: number;
  window: Float64Array;
  fft: RealFft;
  /** Triangular mel filters stored sparsely: weights of bins [start, start + weights.length). */
  filters: { start: number; weights: Float64Array }[];
}

const MS = 0.001;

function melScale(hz: number): number {
  return 1127 * Math.log(1 + hz / 700);
}

function windowFunction(kind: FbankOptions['window'], size: number): Float64Array {
  const w = new Float64Array(size);
  const a = (2 * Math.PI) / (size - 1);
  for (let i = 0; i < size; i++) {
    switch (kind) {
      case 'hanning':
        w[i] = 0.5 - 0.5 * Math.cos(a * i);
        break;
      case 'hamming':
        w[i] = 0.54 - 0.46 * Math.cos(a * i);
        break;
      case 'povey':
        w[i] = Math.pow(0.5 - 0.5 * Math.cos(a * i), 0.85);
        break;
      case 'rectangular':
        w[i] = 1;
        break;
      default:
        throw new RangeError(`Unsupported fbank window '${kind as string}'`);
    }
  }
  return w;
}

function melFilters(options: FbankOptions, paddedSize: number, sampleRate: number): FbankPlan['filters'] {
  const nyquist = sampleRate / 2;
  const highFreq = options.highFreq <= 0 ? options.highFreq + nyquist : options.highFreq;
  if (options.lowFreq < 0 || highFreq <= options.lowFreq || highFreq > nyquist) {
    throw new RangeError(`Bad mel range: lowFreq ${options.lowFreq}, highFreq ${highFreq}, Nyquist ${nyquist}`);
  }
  const binWidth = sampleRate / paddedSize;
  const melLow = melScale(options.lowFreq);
  const melDelta = (melScale(highFreq) - melLow) / (options.numMelBins + 1);
  // Kaldi uses the n/2 bins below Nyquist; the Nyquist bin always gets weight 0.
  const fftBins = paddedSize / 2;
  const binMel = Float64Array.from({ length: fftBins }, (_, k) => melScale(binWidth * k));
  const filters: FbankPlan['filters'] = [];
  for (let m = 0; m < options.numMelBins; m++) {
    const left = melLow + m * melDelta;
    const centre = melLow + (m + 1) * melDelta;
    const right = melLow + (m + 2) * melDelta;
    const full = new Float64Array(fftBins);
    let first = -1;
    let last = -1;
    for (let k = 0; k < fftBins; k++) {
      const up = (binMel[k] - left) / (centre - left);
      const down = (right - binMel[k]) / (right - centre);
      const weight = Math.max(0, Math.min(up, down));
      full[k] = weight;
      if (weight > 0) {
        if (first < 0) first = k;
        last = k;
      }
    }
    filters.push(first < 0 ? { start: 0, weights: new Float64Array(0) } : { start: first, weights: full.slice(first, last + 1) });
  }
  return filters;
}

const planCache = new Map<string, FbankPlan>();

function planFor(options: FbankOptions, sampleRate: number): FbankPlan {
  const key = JSON.stringify([options, sampleRate]);
  const cached = planCache.get(key);
  if (cached) return cached;
  // Same arithmetic (and truncation) as torchaudio: int(sr * ms * 0.001).
  const windowSize = Math.floor(sampleRate * options.frameLengthMs * MS);
  const windowShift = Math.floor(sampleRate * options.frameShiftMs * MS);
  if (windowSize < 2 || windowShift < 1) throw new RangeError('Fbank frame length/shift too small for the sample rate');
  const paddedSize = options.roundToPowerOfTwo ? 2 ** Math.ceil(Math.log2(windowSize)) : windowSize;
  if ((paddedSize & (paddedSize - 1)) !== 0) throw new RangeError('Fbank needs roundToPowerOfTwo (radix-2 FFT)');
  const plan: FbankPlan = {
    windowSize, windowShift, paddedSize,
    window: windowFunction(options.window, windowSize),
    fft: new RealFft(paddedSize),
    filters: melFilters(options, paddedSize, sampleRate),
  };
  planCache.set(key, plan);
  return plan;
}

/** Frames Kaldi produces with snip_edges = true. */
export function fbankFrameCount(samples: number, options: FbankOptions, sampleRate: number): number {
  const { windowSize, windowShift } = planFor(options, sampleRate);
  return samples < windowSize ? 0 : 1 + Math.floor((samples - windowSize) / windowShift);
}

/**
 * Log-mel filterbank features, matching torchaudio.compliance.kaldi.fbank for these options
 * (snip_edges = true, use_power = true, use_log_fbank = true). Samples are floats in [-1, 1].
 * Dither must be 0: features have to be reproducible across runs and languages.
 */
export function fbank(samples: Float32Array, sampleRate: number, options: FbankOptions = AST_FBANK_OPTIONS): Fbank {
  if (options.dither !== 0) throw new RangeError('Fbank dither must be 0 (features must be deterministic)');
  if (options.useEnergy) throw new RangeError('Fbank useEnergy is not supported');
  const plan = planFor(options, sampleRate);
  const { windowSize, windowShift, paddedSize, window, fft, filters } = plan;
  const frames = fbankFrameCount(samples.length, options, sampleRate);
  const numMelBins = options.numMelBins;
  const out = new Float32Array(frames * numMelBins);
  const frame = new Float64Array(paddedSize);
  const power = new Float64Array(paddedSize / 2 + 1);
  const floor = options.melFloor;
  for (let f = 0; f < frames; f++) {
    const offset = f * windowShift;
    for (let i = 0; i < windowSize; i++) frame[i] = samples[offset + i];
    if (options.removeDcOffset) {
      let mean = 0;
      for (let i = 0; i < windowSize; i++) mean += frame[i];
      mean /= windowSize;
      for (let i = 0; i < windowSize; i++) frame[i] -= mean;
    }
    if (options.preemphasis !== 0) {
      for (let i = windowSize - 1; i > 0; i--) frame[i] -= options.preemphasis * frame[i - 1];
      frame[0] -= options.preemphasis * frame[0];
    }
    for (let i = 0; i < windowSize; i++) frame[i] *= window[i];
    frame.fill(0, windowSize);
    fft.powerSpectrum(frame, power);
    const row = f * numMelBins;
    for (let m = 0; m < numMelBins; m++) {
      const { start, weights } = filters[m];
      let energy = 0;
      for (let j = 0; j < weights.length; j++) energy += weights[j] * power[start + j];
      out[row + m] = Math.log(Math.max(energy, floor));
    }
  }
  return { data: out, frames, numMelBins };
}

/**
 * AST input: (x − mean) / (2 · std), then zero-padded (after normalising) or truncated to
 * `maxFrames`. Returns row-major [maxFrames][numMelBins].
 */
export function normalizeFbank(features: Fbank, norm: { mean: number; std: number }, maxFrames: number): Float32Array {
  const { numMelBins } = features;
  const out = new Float32Array(maxFrames * numMelBins);
  const frames = Math.min(features.frames, maxFrames);
  const denominator = 2 * norm.std;
  for (let i = 0; i < frames * numMelBins; i++) out[i] = (features.data[i] - norm.mean) / denominator;
  return out;
}
