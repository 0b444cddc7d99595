/**
 * Real-input radix-2 FFT returning the power spectrum |X[k]|², k = 0..n/2.
 * A real sequence of length n is packed into a complex one of length n/2 (even samples as
 * real parts, odd as imaginary), transformed in place, then split into the n/2+1 bins.
 * Twiddles and the bit-reversal permutation are computed once per size.
 */
export class RealFft {
  readonly size: number;
  private readonly half: number;
  private readonly bitReverse: Uint32Array;
  private readonly cos: Float64Array; // twiddles of the n/2-point complex FFT
  private readonly sin: Float64Array;
  private readonly splitCos: Float64Array; // twiddles of the real split, k = 0..n/2
  private readonly splitSin: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(size: number) {
    if (size < 4 || (size & (size - 1)) !== 0) throw new RangeError(`FFT size must be a power of two ≥ 4 (got ${size})`);
    this.size = size;
    const half = size / 2;
    this.half = half;
    const bits = Math.log2(half);
    this.bitReverse = new Uint32Array(half);
    for (let i = 0; i < half; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.bitReverse[i] = r;
    }
    this.cos = new Float64Array(half / 2);
    this.sin = new Float64Array(half / 2);
    for (let i = 0; i < half / 2; i++) {
      this.cos[i] = Math.cos((2 * Math.PI * i) / half);
      this.sin[i] = -Math.sin((2 * Math.PI * i) / half);
    }
    this.splitCos = new Float64Array(half + 1);
    this.splitSin = new Float64Array(half + 1);
    for (let k = 0; k <= half; k++) {
      this.splitCos[k] = Math.cos((2 * Math.PI * k) / size);
      this.splitSin[k] = -Math.sin((2 * Math.PI * k) / size);
    }
    this.re = new Float64Array(half);
    this.im = new Float64Array(half);
  }

  /** Writes |FFT(input)|² for bins 0..size/2 into `power` (length size/2 + 1). */
  powerSpectrum(input: Float64Array, power: Float64Array): void {
    const { half, re, im, bitReverse } = this;
    for (let i = 0; i < half; i++) {
      const j = bitReverse[i];
      re[j] = input[2 * i];
      im[j] = input[2 * i + 1];
    }
    for (let len = 2; len <= half; len <<= 1) {
      const halfLen = len >> 1;
      const stride = half / len;
      for (let start = 0; start < half; start += len) {
        for (let j = 0; j < halfLen; j++) {
          const wr = this.cos[j * stride];
          const wi = this.sin[j * stride];
          const a = start + j;
          const b = a + halfLen;
          const tr = re[b] * wr - im[b] * wi;
          const ti = re[b] * wi + im[b] * wr;
          re[b] = re[a] - tr;
          im[b] = im[a] - ti;
          re[a] += tr;
          im[a] += ti;
        }
      }
    }
    for (let k = 0; k <= half; k++) {
      const zr = re[k % half];
      const zi = im[k % half];
      const cr = re[(half - k) % half]; // conj(Z[half - k])
      const ci = -im[(half - k) % half];
      const er = 0.5 * (zr + cr); // even part
      const ei = 0.5 * (zi + ci);
      const dr = zr - cr; // odd part = (Z[k] - conj(Z[half-k])) / (2i)
      const di = zi - ci;
      const or = 0.5 * di;
      const oi = -0.5 * dr;
      const wr = this.splitCos[k];
      const wi = this.splitSin[k];
      const xr = er + (or * wr - oi * wi);
      const xi = ei + (or * wi + oi * wr);
      power[k] = xr * xr + xi * xi;
    }
  }
}
