import sharp from 'sharp';
import { InvalidMediaError, MediaLimitError, UnsupportedMediaError } from '../errors.js';
import { checkGifBlocks } from '../formats/gif-blocks.js';
import { checkPngChunks } from '../formats/png-chunks.js';
import { sniffMedia, type MediaFormat, type SniffedMedia } from '../formats/sniff.js';

export interface ImageLimits {
  /** Largest accepted width × height (of the first frame). */
  maxPixels: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxPixels: 40_000_000 };

export interface DecodedImage {
  format: MediaFormat;
  width: number;
  height: number;
  /** Interleaved 8-bit RGB, row-major, width · height · 3 bytes. Alpha is dropped, not composited. */
  pixels: Uint8Array;
}

/**
 * PNG and GIF files cut short after the pixels libvips needs still decode, so their structure is
 * walked to the end (PNG: every chunk whole with a valid CRC, up to IEND; GIF: every block whole,
 * up to the trailer). JPEG and WebP need no walk: libvips refuses those cut anywhere.
 */
function checkWhole(bytes: Uint8Array, format: MediaFormat): void {
  if (format === 'png') {
    const problem = checkPngChunks(bytes);
    if (problem?.kind === 'truncated') throw new InvalidMediaError(`Truncated PNG: chunk ${problem.chunk + 1} (${problem.type}) is cut off`);
    if (problem?.kind === 'checksum') throw new InvalidMediaError(`Corrupt PNG: chunk ${problem.chunk + 1} (${problem.type}) fails its CRC check`);
    if (problem) throw new InvalidMediaError(`Truncated PNG: the file ends after ${problem.chunks} chunks without an IEND chunk`);
  } else if (format === 'gif') {
    const problem = checkGifBlocks(bytes);
    if (problem?.kind === 'truncated') throw new InvalidMediaError(`Truncated GIF: block ${problem.block + 1} is cut off or the trailer (0x3B) is missing`);
    if (problem) throw new InvalidMediaError(`Corrupt GIF: block ${problem.block + 1} at byte ${problem.offset} starts with 0x${problem.byte.toString(16)}, not a GIF block`);
  }
}

/**
 * Decodes PNG, JPEG, WebP or GIF (first frame) to 8-bit sRGB, honouring EXIF orientation.
 * Corrupt or truncated data of a recognised format → InvalidMediaError (BAD_USER_INPUT);
 * unrecognised bytes → UnsupportedMediaError; over a limit → MediaLimitError.
 */
export async function decodeImage(bytes: Uint8Array, limits: Partial<ImageLimits> = {}): Promise<DecodedImage> {
  return decodeSniffedImage(bytes, sniffMedia(bytes), limits);
}

/** decodeImage for bytes the caller has already sniffed (see decodeMedia). */
export async function decodeSniffedImage(bytes: Uint8Array, sniffed: SniffedMedia, limits: Partial<ImageLimits> = {}): Promise<DecodedImage> {
  const max: ImageLimits = { ...DEFAULT_IMAGE_LIMITS, ...limits };
  if (sniffed.kind !== 'image') throw new UnsupportedMediaError(`Expected an image, got ${sniffed.mime}`);
  checkWhole(bytes, sniffed.format);

  // failOn 'warning' makes libvips reject truncated scans instead of padding them with grey.
  const options = { failOn: 'warning', limitInputPixels: max.maxPixels, pages: 1 } as const;
  let width: number;
  let height: number;
  try {
    const meta = await sharp(bytes, { ...options, limitInputPixels: false }).metadata();
    width = meta.width ?? 0;
    height = meta.pageHeight ?? meta.height ?? 0;
  } catch (error) {
    throw new InvalidMediaError(`Could not read ${sniffed.format} header: ${(error as Error).message}`, { cause: error });
  }
  if (width <= 0 || height <= 0) throw new InvalidMediaError(`Image has no pixels (${width}×${height})`);
  if (width * height > max.maxPixels) {
    throw new MediaLimitError(`Image is ${width}×${height} = ${width * height} pixels; the limit is ${max.maxPixels}`, {
      name: 'maxPixels', max: max.maxPixels, actual: width * height,
    });
  }
  try {
    const { data, info } = await sharp(bytes, options)
      .autoOrient()
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
    return {
      format: sniffed.format,
      width: info.width,
      height: info.height,
      pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  } catch (error) {
    throw new InvalidMediaError(`Could not decode ${sniffed.format} image: ${(error as Error).message}`, { cause: error });
  }
}
