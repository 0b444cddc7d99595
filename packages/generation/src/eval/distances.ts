// Distances between two sets of embeddings, for judging generated media against real media on MuVis embeddings
// (Imagic's music on the audio tower, MusIm's pictures on the image tower): the Fréchet distance (FAD or FID after the
// space) and the kernel distance (KAD or KID: unbiased MMD² with a Gaussian kernel), each with a bootstrap interval.
import { createRng } from '@muse/immute';

export type Vectors = readonly Float32Array[];

function mean(xs: Vectors): Float64Array {
  const d = xs[0].length;
  const m = new Float64Array(d);
  for (const x of xs) for (let i = 0; i < d; i++) m[i] += x[i];
  for (let i = 0; i < d; i++) m[i] /= xs.length;
  return m;
}

/** Unbiased covariance, row-major d×d. */
function covariance(xs: Vectors, m: Float64Array): Float64Array {
  const d = m.length;
  const c = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (const x of xs) {
    for (let i = 0; i < d; i++) centred[i] = x[i] - m[i];
    for (let i = 0; i < d; i++) {
      const ci = centred[i];
      for (let j = i; j < d; j++) c[i * d + j] += ci * centred[j];
    }
  }
  const n = Math.max(1, xs.length - 1);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      c[i * d + j] /= n;
      c[j * d + i] = c[i * d + j];
    }
  }
  return c;
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (exact to rounding for the 128×128
 * matrices here, in a few milliseconds). Returns the eigenvalues and the eigenvectors as columns of `vectors`.
 */
export function symmetricEigen(matrix: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < d; p++) {
      diag += a[p * d + p] ** 2;
      for (let q = p + 1; q < d; q++) off += a[p * d + q] ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (apq === 0) continue;
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) { // A ← A·J
          const akp = a[k * d + p];
          const akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) { // A ← Jᵀ·A
          const apk = a[p * d + k];
          const aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = a[i * d + i];
  return { values, vectors: v };
}

/** The square root of a symmetric positive semi-definite matrix (negative rounding eigenvalues clipped to 0). */
function psdSqrt(matrix: Float64Array, d: number): Float64Array {
  const { values, vectors } = symmetricEigen(matrix, d);
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const s = Math.sqrt(Math.max(0, values[k]));
    if (s === 0) continue;
    for (let i = 0; i < d; i++) {
      const vik = vectors[i * d + k] * s;
      for (let j = 0; j < d; j++) out[i * d + j] += vik * vectors[j * d + k];
    }
  }
  return out;
}

function multiply(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const aik = a[i * d + k];
      if (aik === 0) continue;
      for (let j = 0; j < d; j++) out[i * d + j] += aik * b[k * d + j];
    }
  }
  return out;
}

/**
 * Fréchet distance between Gaussians fitted to two sets: |μ₁ − μ₂|² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^½ Σ₂ Σ₁^½)^½.
 * The symmetric form of the cross term keeps every matrix square root on a PSD matrix.
 */
export function frechetDistance(x: Vectors, y: Vectors): number {
  if (x.length < 2 || y.length < 2) throw new Error('the Fréchet distance needs at least two vectors a set');
  const d = x[0].length;
  const mx = mean(x);
  const my = mean(y);
  const cx = covariance(x, mx);
  const cy = covariance(y, my);
  const rootX = psdSqrt(cx, d);
  const inner = multiply(multiply(rootX, cy, d), rootX, d);
  for (let i = 0; i < d; i++) { // symmetrise what rounding left
    for (let j = i + 1; j < d; j++) {
      const s = (inner[i * d + j] + inner[j * d + i]) / 2;
      inner[i * d + j] = s;
      inner[j * d + i] = s;
    }
  }
  const { values } = symmetricEigen(inner, d);
  let traceRoot = 0;
  for (const v of values) traceRoot += Math.sqrt(Math.max(0, v));
  let dist = 0;
  for (let i = 0; i < d; i++) dist += (mx[i] - my[i]) ** 2 + cx[i * d + i] + cy[i * d + i];
  return Math.max(0, dist - 2 * traceRoot);
}

function squaredDistance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

/** Gaussian kernel matrix over x then y, bandwidth σ from the median pairwise distance of the pooled set. */
function pooledKernel(x: Vectors, y: Vectors): { k: Float64Array; n: number; sigma: number } {
  const all = [...x, ...y];
  const n = all.length;
  const d2 = new Float64Array(n * n);
  const pairs: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = squaredDistance(all[i], all[j]);
      d2[i * n + j] = v;
      d2[j * n + i] = v;
      pairs.push(v);
    }
  }
  pairs.sort((a, b) => a - b);
  const sigma = Math.sqrt(pairs[Math.floor(pairs.length / 2)] || 1);
  const k = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) k[i] = Math.exp(-d2[i] / (2 * sigma * sigma));
  return { k, n, sigma };
}

/** Unbiased MMD² from a kernel matrix and the (possibly repeated, for the bootstrap) rows of each set. */
function mmdFromKernel(k: Float64Array, n: number, xi: readonly number[], yi: readonly number[]): number {
  // pairs of one point with itself (p ≠ q but the same row, drawn twice by the bootstrap) are left out: they
  // would add k = 1 terms that the unbiased estimator is built to exclude, and push every resample upwards
  const meanOff = (a: readonly number[]): number => {
    let s = 0;
    let pairs = 0;
    for (let p = 0; p < a.length; p++) {
      for (let q = 0; q < a.length; q++) {
        if (a[p] === a[q]) continue;
        s += k[a[p] * n + a[q]];
        pairs++;
      }
    }
    return s / Math.max(1, pairs);
  };
  let cross = 0;
  for (const i of xi) for (const j of yi) cross += k[i * n + j];
  return meanOff(xi) + meanOff(yi) - (2 * cross) / (xi.length * yi.length);
}

/** Kernel distance: unbiased MMD² with a Gaussian kernel (median-heuristic bandwidth over both sets). */
export function kernelDistance(x: Vectors, y: Vectors): number {
  const { k, n } = pooledKernel(x, y);
  return mmdFromKernel(k, n, x.map((_, i) => i), y.map((_, i) => x.length + i));
}

export interface Interval {
  value: number;
  low: number;
  high: number;
  resamples: number;
}

function percentile(sorted: number[], p: number): number {
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

function resample(size: number, offset: number, next: () => number): number[] {
  return Array.from({ length: size }, () => offset + Math.floor(next() * size));
}

/** The distance with a percentile bootstrap 95 % interval (both sets resampled with replacement, seeded). */
export function bootstrapDistances(x: Vectors, y: Vectors, options: { resamples?: number; seed?: number } = {}): { frechet: Interval; kernel: Interval } {
  const resamples = options.resamples ?? 200;
  const rng = createRng(options.seed ?? 0);
  const { k, n } = pooledKernel(x, y);
  const all = [...x, ...y];
  const fr: number[] = [];
  const ker: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const xi = resample(x.length, 0, rng.next);
    const yi = resample(y.length, x.length, rng.next);
    fr.push(frechetDistance(xi.map((i) => all[i]), yi.map((i) => all[i])));
    ker.push(mmdFromKernel(k, n, xi, yi));
  }
  fr.sort((a, b) => a - b);
  ker.sort((a, b) => a - b);
  const interval = (value: number, sorted: number[]): Interval => ({ value, low: percentile(sorted, 0.025), high: percentile(sorted, 0.975), resamples });
  return {
    frechet: interval(frechetDistance(x, y), fr),
    kernel: interval(mmdFromKernel(k, n, x.map((_, i) => i), y.map((_, i) => x.length + i)), ker),
  };
}
