import { resizeBilinearRgb } from './bilinear-resize.js';
import type { DecodedImage } from './decode.js';

/** Image preprocessing options, as a bundle manifest states them (`image`). */
export interface ImagePreprocessOptions {
  size: number;
  mean: [number, number, number];
  std: [number, number, number];
}

/** Size after scaling the shorter side to `size`: the other side is floor(side · size / shorter + 0.5), at least `size`. */
export function resizedDimensions(width: number, height: number, size: number): { width: number; height: number } {
  const scale = size / Math.min(width, height);
  return { width: Math.max(size, Math.floor(width * scale + 0.5)), height: Math.max(size, Math.floor(height * scale + 0.5)) };
}

/**
 * Shorter side to `size` with Pillow-exact antialiased bilinear (skipped when the shorter side
 * already is `size`), then a centre crop size × size at floor((side − size) / 2).
 * Returns interleaved RGB bytes. Mirrors features.image_tensor steps 2–3.
 */
export function resizeAndCrop(image: Pick<DecodedImage, 'width' | 'height' | 'pixels'>, size: number): Uint8Array {
  let { width, height, pixels } = image;
  if (Math.min(width, height) !== size) {
    const target = resizedDimensions(width, height, size);
    pixels = resizeBilinearRgb(pixels, width, height, target.width, target.height);
    width = target.width;
    height = target.height;
  }
  if (width === size && height === size) return pixels;
  const left = Math.floor((width - size) / 2);
  const top = Math.floor((height - size) / 2);
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    const from = ((top + y) * width + left) * 3;
    out.set(pixels.subarray(from, from + size * 3), y * size * 3);
  }
  return out;
}

/** (pixel / 255 − mean[c]) / std[c], laid out as planar CHW float32 (one image of an NCHW batch). */
export function normalizeToChw(rgb: Uint8Array, size: number, options: Pick<ImagePreprocessOptions, 'mean' | 'std'>): Float32Array {
  const plane = size * size;
  if (rgb.length !== plane * 3) throw new RangeError(`Expected ${plane * 3} RGB bytes, got ${rgb.length}`);
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const mean = options.mean[c];
    const std = options.std[c];
    for (let i = 0; i < plane; i++) out[c * plane + i] = (rgb[i * 3 + c] / 255 - mean) / std;
  }
  return out;
}

/** Decoded RGB image → the [3, size, size] float tensor an image tower takes. */
export function imageTensor(image: Pick<DecodedImage, 'width' | 'height' | 'pixels'>, options: ImagePreprocessOptions): Float32Array {
  const rgb = resizeAndCrop(image, options.size);
  return normalizeToChw(rgb, options.size, options);
}
