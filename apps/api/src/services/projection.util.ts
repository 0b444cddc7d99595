// PCA by power iteration with deflation: small, dependency-free and deterministic, which is all
// a 2-D overview of a 128-d space needs (the covariance is only dim × dim).

const MAX_ITERATIONS = 1000;
const TOLERANCE = 1e-12;
/** Fixed seed of the power-iteration start vector: the same data always gives the same axes. */
const START_SEED = 0x5eed;

export interface PrincipalAxes {
  mean: Float64Array;
  /** unit vectors, largest variance first; a zero vector when the data has no variance left */
  axes: Float64Array[];
  /** variance along each axis */
  variances: number[];
}

/**
 * The `k` leading principal axes of `rows` (all of one length). Each axis's sign is fixed so its
 * largest-magnitude loading is positive.
 */
export function principalAxes(rows: ArrayLike<number>[], k: number): PrincipalAxes {
  const dim = rows[0]?.length ?? 0;
  const mean = new Float64Array(dim);
  for (const row of rows) {
    if (row.length !== dim) throw new Error(`row of length ${row.length} among rows of length ${dim}`);
    for (let i = 0; i < dim; i++) mean[i] += row[i];
  }
  if (rows.length) for (let i = 0; i < dim; i++) mean[i] /= rows.length;

  const cov = covariance(rows, mean);
  const axes: Float64Array[] = [];
  const variances: number[] = [];
  for (let c = 0; c < k; c++) {
    const { vector, value } = leadingEigenvector(cov, dim);
    axes.push(vector);
    variances.push(value);
    // deflate: remove the found component so the next power iteration finds the next one
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) cov[i * dim + j] -= value * vector[i] * vector[j];
  }
  return { mean, axes, variances };
}

/**
 * 2-D map of embedding vectors: each is L2-normalised, the set centred and projected on its two
 * principal axes, then both coordinates divided by one common factor so they lie in [-1, 1]
 * (one factor, not one per axis, so distances on the map keep their proportions).
 */
export function projectTo2D(vectors: ArrayLike<number>[]): { x: number; y: number }[] {
  const unit = vectors.map(l2Normalised);
  const { mean, axes } = principalAxes(unit, 2);
  const points = unit.map((v) => ({ x: centredDot(v, mean, axes[0]), y: centredDot(v, mean, axes[1]) }));
  let extent = 0;
  for (const p of points) extent = Math.max(extent, Math.abs(p.x), Math.abs(p.y));
  if (extent === 0) return points.map(() => ({ x: 0, y: 0 }));
  return points.map((p) => ({ x: clampUnit(p.x / extent), y: clampUnit(p.y / extent) }));
}

export function l2Normalised(v: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(v as ArrayLike<number>);
  let norm = 0;
  for (let i = 0; i < out.length; i++) norm += out[i] * out[i];
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}

function covariance(rows: ArrayLike<number>[], mean: Float64Array): Float64Array {
  const dim = mean.length;
  const cov = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (const row of rows) {
    for (let i = 0; i < dim; i++) centred[i] = row[i] - mean[i];
    for (let i = 0; i < dim; i++) {
      const ci = centred[i];
      if (ci === 0) continue;
      for (let j = i; j < dim; j++) cov[i * dim + j] += ci * centred[j];
    }
  }
  const n = Math.max(rows.length, 1);
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      cov[i * dim + j] /= n;
      cov[j * dim + i] = cov[i * dim + j];
    }
  }
  return cov;
}

function leadingEigenvector(matrix: Float64Array, dim: number): { vector: Float64Array; value: number } {
  let v = startVector(dim);
  const next = new Float64Array(dim);
  for (let iter = 0; iter < MAX_ITERATIONS; iter++) {
    multiply(matrix, v, next, dim);
    const norm = Math.hypot(...next);
    if (norm < TOLERANCE) return { vector: new Float64Array(dim), value: 0 };
    let change = 0;
    for (let i = 0; i < dim; i++) {
      const u = next[i] / norm;
      change += (u - v[i]) ** 2;
      v[i] = u;
    }
    if (change < TOLERANCE) break;
  }
  v = withPositiveLargestLoading(v);
  multiply(matrix, v, next, dim);
  let value = 0;
  for (let i = 0; i < dim; i++) value += v[i] * next[i];
  return { vector: v, value };
}

function startVector(dim: number): Float64Array {
  const rnd = mulberry32(START_SEED);
  const v = new Float64Array(dim);
  for (let i = 0; i < dim; i++) v[i] = rnd() - 0.5;
  const norm = Math.hypot(...v) || 1;
  for (let i = 0; i < dim; i++) v[i] /= norm;
  return v;
}

function withPositiveLargestLoading(v: Float64Array): Float64Array {
  let largest = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[largest])) largest = i;
  if (v[largest] < 0) for (let i = 0; i < v.length; i++) v[i] = -v[i];
  return v;
}

function multiply(matrix: Float64Array, v: Float64Array, out: Float64Array, dim: number): void {
  for (let i = 0; i < dim; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += matrix[i * dim + j] * v[j];
    out[i] = s;
  }
}

function centredDot(v: Float64Array, mean: Float64Array, axis: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] - mean[i]) * axis[i];
  return s;
}

function clampUnit(x: number): number {
  return Math.max(-1, Math.min(1, x));
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
