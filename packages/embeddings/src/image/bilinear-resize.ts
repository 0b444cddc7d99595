/**
 * Antialiased bilinear resize of 8-bit RGB, computed exactly as Pillow's
 * `Image.resize(size, Image.BILINEAR)` does, so TypeScript and the Python reference
 * (training/muvis/features.py) produce the same bytes:
 * a separable triangle filter whose support grows with the downscale factor, horizontal pass
 * first, weights in 22-bit fixed point, rounding to 8 bits after each pass.
 */
const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

interface Coefficients {
  /** First input index and tap count per output index. */
  bounds: Int32Array;
  taps: number;
  /** Fixed-point weights, `taps` per output index. */
  weights: Int32Array;
}

function triangle(x: number): number {
  const a = Math.abs(x);
  return a < 1 ? 1 - a : 0;
}

function coefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // triangle support 1 × filter scale
  const taps = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * taps);
  const k = new Float64Array(taps);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // Pillow truncates toward zero with (int)(v + 0.5); v + 0.5 can be negative only near 0.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      k[x] = triangle((x + xmin - center + 0.5) / filterScale);
      total += k[x];
    }
    for (let x = 0; x < taps; x++) {
      const w = x < xmax && total !== 0 ? k[x] / total : 0;
      weights[xx * taps + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { bounds, taps, weights };
}

function clip8(acc: number): number {
  const v = Math.floor(acc / ONE);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Resizes interleaved RGB `pixels` (width × height) to outWidth × outHeight. */
export function resizeBilinearRgb(pixels: Uint8Array, width: number, height: number, outWidth: number, outHeight: number): Uint8Array {
  if (pixels.length !== width * height * 3) throw new RangeError(`Expected ${width * height * 3} RGB bytes, got ${pixels.length}`);
  let current = pixels;
  let currentWidth = width;
  if (outWidth !== width) {
    const { bounds, taps, weights } = coefficients(width, outWidth);
    const out = new Uint8Array(outWidth * height * 3);
    for (let y = 0; y < height; y++) {
      const row = y * width * 3;
      for (let xx = 0; xx < outWidth; xx++) {
        const xmin = bounds[xx * 2];
        const xmax = bounds[xx * 2 + 1];
        let r = HALF;
        let g = HALF;
        let b = HALF;
        for (let x = 0; x < xmax; x++) {
          const w = weights[xx * taps + x];
          const p = row + (xmin + x) * 3;
          r += current[p] * w;
          g += current[p + 1] * w;
          b += current[p + 2] * w;
        }
        const o = (y * outWidth + xx) * 3;
        out[o] = clip8(r);
        out[o + 1] = clip8(g);
        out[o + 2] = clip8(b);
      }
    }
    current = out;
    currentWidth = outWidth;
  }
  if (outHeight !== height) {
    const { bounds, taps, weights } = coefficients(height, outHeight);
    const out = new Uint8Array(currentWidth * outHeight * 3);
    const stride = currentWidth * 3;
    for (let yy = 0; yy < outHeight; yy++) {
      const ymin = bounds[yy * 2];
      const ymax = bounds[yy * 2 + 1];
      const acc = new Float64Array(stride).fill(HALF);
      for (let y = 0; y < ymax; y++) {
        const w = weights[yy * taps + y];
        const row = (ymin + y) * stride;
        for (let i = 0; i < stride; i++) acc[i] += current[row + i] * w;
      }
      const o = yy * stride;
      for (let i = 0; i < stride; i++) out[o + i] = clip8(acc[i]);
    }
    current = out;
  }
  return current === pixels ? pixels.slice() : current;
}
