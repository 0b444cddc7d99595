// Windows BMP (BITMAPINFOHEADER and later, uncompressed 8-bit palette or 24/32-bit BGR) to raw
// RGB, for games whose pictures are BMP (Pekka Kana 2's 640x480 8-bit scenery), which sharp's
// prebuilt libvips does not read. Run-length (BI_RLE) and bit-field variants are refused.

export class BmpError extends Error {}

export interface RawRgb {
  width: number;
  height: number;
  /** width * height * 3 bytes, rows top to bottom. */
  data: Uint8Array;
}

export function decodeBmp(bytes: Uint8Array): RawRgb {
  if (bytes.length < 54 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) throw new BmpError('not a BMP (no "BM" signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) throw new BmpError(`BMP header of ${headerSize} bytes (OS/2) is not supported`);
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bits = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  if (width <= 0 || rawHeight === 0) throw new BmpError(`BMP of ${width}x${rawHeight}`);
  if (compression !== 0) throw new BmpError(`compressed BMP (method ${compression}) is not supported`);
  if (bits !== 8 && bits !== 24 && bits !== 32) throw new BmpError(`${bits}-bit BMP is not supported`);
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  const stride = Math.ceil((width * bits) / 32) * 4;
  if (pixelOffset + stride * height > bytes.length) throw new BmpError('BMP pixel data is truncated');
  let palette: Uint8Array | undefined;
  if (bits === 8) {
    const used = view.getUint32(46, true) || 256;
    const start = 14 + headerSize;
    if (start + used * 4 > pixelOffset) throw new BmpError('BMP palette overlaps the pixels');
    palette = bytes.subarray(start, start + used * 4);
  }
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + stride * (topDown ? y : height - 1 - y);
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      let b: number; let g: number; let r: number;
      if (palette) {
        const i = bytes[row + x] * 4;
        if (i + 2 >= palette.length) throw new BmpError(`BMP colour index ${i / 4} is outside its palette`);
        [b, g, r] = [palette[i], palette[i + 1], palette[i + 2]];
      } else {
        const p = row + x * (bits / 8);
        [b, g, r] = [bytes[p], bytes[p + 1], bytes[p + 2]];
      }
      data[o] = r; data[o + 1] = g; data[o + 2] = b;
    }
  }
  return { width, height, data };
}
