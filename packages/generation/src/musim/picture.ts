// Pictures in and out of the autoencoder: NCHW float32 in [−1, 1] ⇄ 8-bit RGB, both through sharp.
// - A guide image is decoded by @muse/embeddings' decodeImage (format sniffed, EXIF orientation honoured, pixel
//   limits), then centre-cropped to a square and resized to the bundle's size (sharp's `cover`, Lanczos3).
// - An output is clamped to [−1, 1], rounded to bytes and written as PNG with fixed options (no metadata, fixed
//   compression and filtering), so equal pixels give equal files. The optional 2× upscale is sharp's Lanczos3
//   resize of the decoded picture (a 3-lobe windowed sinc): it adds pixels, not detail.
import sharp from 'sharp';
import { decodeImage, type ImageLimits } from '@muse/embeddings';

export interface EncodedPicture {
  png: Uint8Array;
  width: number;
  height: number;
}

/** guide image file bytes → [3, size, size] in [−1, 1] */
export async function guideTensor(bytes: Uint8Array, size: number, limits?: Partial<ImageLimits>): Promise<Float32Array> {
  const decoded = await decodeImage(bytes, limits);
  const { data } = await sharp(decoded.pixels, { raw: { width: decoded.width, height: decoded.height, channels: 3 } })
    .resize(size, size, { fit: 'cover', position: 'centre', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) out[c * plane + i] = data[i * 3 + c] / 127.5 - 1;
  return out;
}

/** [3, size, size] (clamped to [−1, 1]) → interleaved RGB bytes */
export function tensorToRgb(image: Float32Array, size: number): Uint8Array {
  const plane = size * size;
  const rgb = new Uint8Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const v = Math.min(1, Math.max(-1, image[c * plane + i]));
      rgb[i * 3 + c] = Math.round((v + 1) * 127.5);
    }
  }
  return rgb;
}

const PNG_OPTIONS = { compressionLevel: 6, adaptiveFiltering: false, palette: false, progressive: false } as const;

/** [3, size, size] → PNG, optionally upscaled 2× (Lanczos3) */
export async function encodePicture(image: Float32Array, size: number, upscale = false): Promise<EncodedPicture> {
  let picture = sharp(tensorToRgb(image, size), { raw: { width: size, height: size, channels: 3 } });
  const side = upscale ? 2 * size : size;
  if (upscale) picture = picture.resize(side, side, { kernel: 'lanczos3' });
  const png = await picture.png(PNG_OPTIONS).toBuffer();
  return { png: new Uint8Array(png.buffer, png.byteOffset, png.length), width: side, height: side };
}
