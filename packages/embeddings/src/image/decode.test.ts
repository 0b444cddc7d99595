import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { decodeImage, InvalidMediaError, MediaLimitError, UnsupportedMediaError } from '@muse/embeddings';
import { fixture } from '../testing/helpers.js';

/** A 4×3 image with distinct, exactly known pixels. */
const W = 4;
const H = 3;
const PIXELS = Buffer.from(Array.from({ length: W * H * 3 }, (_, i) => (i * 20) % 256));

async function encode(format: 'png' | 'webp' | 'gif' | 'jpeg', channels: 3 | 4 = 3): Promise<Uint8Array> {
  const data = channels === 4 ? Buffer.from(Array.from({ length: W * H * 4 }, (_, i) => (i % 4 === 3 ? 128 : PIXELS[Math.floor(i / 4) * 3 + (i % 4)]))) : PIXELS;
  const pipeline = sharp(data, { raw: { width: W, height: H, channels } });
  if (format === 'webp') return new Uint8Array(await pipeline.webp({ lossless: true }).toBuffer());
  return new Uint8Array(await pipeline.toFormat(format).toBuffer());
}

test('PNG and lossless WebP decode to the exact RGB pixels; RGBA drops alpha', async () => {
  for (const format of ['png', 'webp'] as const) {
    const image = await decodeImage(await encode(format));
    assert.equal(image.width, W);
    assert.equal(image.height, H);
    assert.deepEqual(Buffer.from(image.pixels), PIXELS, format);
  }
  const rgba = await decodeImage(await encode('png', 4));
  assert.deepEqual(Buffer.from(rgba.pixels), PIXELS);
});

test('JPEG decodes close to the source; GIF decodes its first frame only', async () => {
  const jpeg = await decodeImage(await encode('jpeg'));
  assert.equal(jpeg.format, 'jpeg');
  assert.equal(jpeg.pixels.length, W * H * 3);
  const red = Buffer.alloc(16 * 16 * 3);
  const blue = Buffer.alloc(16 * 16 * 3);
  for (let i = 0; i < 16 * 16; i++) {
    red[i * 3] = 255;
    blue[i * 3 + 2] = 255;
  }
  const frames = Buffer.concat([red, blue]);
  const gif = new Uint8Array(await sharp(frames, { raw: { width: 16, height: 32, channels: 3, pageHeight: 16 } }).gif().toBuffer());
  const first = await decodeImage(gif);
  assert.equal(first.height, 16);
  assert.equal(first.width, 16);
  assert.deepEqual([first.pixels[0], first.pixels[1], first.pixels[2]], [255, 0, 0]);
});

test('truncated or corrupt images are BAD_USER_INPUT', async () => {
  const isInvalid = (e: unknown) => e instanceof InvalidMediaError && e.code === 'BAD_USER_INPUT';
  const png = fixture('golden', 'golden.png');
  await assert.rejects(decodeImage(png.subarray(0, Math.floor(png.length / 2))), isInvalid);
  await assert.rejects(decodeImage(png.subarray(0, 20)), isInvalid);
  const jpeg = new Uint8Array(await sharp(fixture('golden', 'golden.png')).jpeg().toBuffer());
  await assert.rejects(decodeImage(jpeg.subarray(0, Math.floor(jpeg.length / 2))), isInvalid);
  const garbage = png.slice();
  for (let i = 40; i < garbage.length; i++) garbage[i] = (i * 31) & 0xff;
  await assert.rejects(decodeImage(garbage), isInvalid);
});

test('a PNG or GIF missing any of its last bytes is BAD_USER_INPUT, though libvips would decode it', async () => {
  const truncated = (e: unknown) => e instanceof InvalidMediaError && e.code === 'BAD_USER_INPUT' && /Truncated (PNG|GIF)/.test(e.message);
  const red = Buffer.alloc(16 * 32 * 3).map((_, i) => (i % 3 === 0 ? 255 : 0));
  const animated = new Uint8Array(await sharp(red, { raw: { width: 16, height: 32, channels: 3, pageHeight: 16 } }).gif().toBuffer());
  const files = { png: fixture('golden', 'golden.png'), gif: await encode('gif'), animated };
  for (const [name, bytes] of Object.entries(files)) {
    assert.ok((await decodeImage(bytes)).width > 0, `${name} whole`);
    // after the trailer or IEND: ignored, as every decoder does
    assert.ok((await decodeImage(new Uint8Array([...bytes, 0, 1, 2]))).width > 0, `${name} with trailing bytes`);
    for (const cut of [1, 2, 4, 8, 12, 13, Math.floor(bytes.length / 3)]) {
      await assert.rejects(decodeImage(bytes.subarray(0, bytes.length - cut)), truncated, `${name} less ${cut} bytes`);
    }
  }
});

test('a PNG chunk that fails its CRC is BAD_USER_INPUT, ancillary chunks included', async () => {
  const png = new Uint8Array(await sharp(PIXELS, { raw: { width: W, height: H, channels: 3 } }).png().withMetadata({ density: 72 }).toBuffer());
  const phys = Buffer.from(png).indexOf('pHYs');
  assert.ok(phys > 0, 'the encoder wrote a pHYs chunk');
  const flipped = png.slice();
  flipped[phys + 4] ^= 0x01; // inside pHYs's data: libpng ignores an ancillary chunk's CRC
  await assert.rejects(decodeImage(flipped), (e: unknown) => e instanceof InvalidMediaError && /pHYs\) fails its CRC/.test(e.message));
});

test('a GIF block of no known kind is BAD_USER_INPUT', async () => {
  const gif = await encode('gif');
  const broken = new Uint8Array([...gif.subarray(0, gif.length - 1), 0x99, 0x3b]);
  await assert.rejects(decodeImage(broken), (e: unknown) => e instanceof InvalidMediaError && /Corrupt GIF: .* 0x99/.test(e.message));
});

test('audio or unknown bytes handed to decodeImage are UNSUPPORTED_MEDIA', async () => {
  await assert.rejects(decodeImage(fixture('media', 'tone.flac')), (e: unknown) => e instanceof UnsupportedMediaError && e.code === 'UNSUPPORTED_MEDIA');
  await assert.rejects(decodeImage(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')), UnsupportedMediaError);
});

test('pixel and byte limits are PAYLOAD_TOO_LARGE, checked before decoding', async () => {
  const png = fixture('golden', 'golden.png'); // 256 × 256
  await assert.rejects(decodeImage(png, { maxPixels: 256 * 256 - 1 }), (e: unknown) => e instanceof MediaLimitError && e.code === 'PAYLOAD_TOO_LARGE' && e.limit.actual === 65536);
  assert.equal((await decodeImage(png, { maxPixels: 256 * 256 })).width, 256);
  // A header that claims a huge image is refused without allocating it.
  const huge = new Uint8Array(await sharp({ create: { width: 8000, height: 8000, channels: 3, background: '#000' } }).png({ compressionLevel: 9 }).toBuffer());
  await assert.rejects(decodeImage(huge), (e: unknown) => e instanceof MediaLimitError && e.limit.actual === 64_000_000);
});
