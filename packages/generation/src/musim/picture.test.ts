import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { encodePicture, guideTensor, tensorToRgb } from './picture.js';

/** a wide picture: a red band left, a blue band right, green in the middle square */
async function bands(format: 'png' | 'jpeg' | 'webp'): Promise<Uint8Array> {
  const width = 120;
  const height = 40;
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const color = x < 40 ? [255, 0, 0] : x < 80 ? [0, 255, 0] : [0, 0, 255];
    rgb.set(color, (y * width + x) * 3);
  }
  const image = sharp(rgb, { raw: { width, height, channels: 3 } });
  return new Uint8Array(await (format === 'png' ? image.png() : format === 'jpeg' ? image.jpeg({ quality: 95 }) : image.webp({ lossless: true })).toBuffer());
}

test('a guide is centre-cropped to a square and resized: a wide picture keeps its middle', async () => {
  for (const format of ['png', 'jpeg', 'webp'] as const) {
    const tensor = await guideTensor(await bands(format), 16);
    assert.equal(tensor.length, 3 * 16 * 16);
    const plane = 16 * 16;
    const centre = 8 * 16 + 8;
    const [r, g, b] = [tensor[centre], tensor[plane + centre], tensor[2 * plane + centre]];
    assert.ok(g > 0.9 && r < -0.9 && b < -0.9, `${format}: the centre is green (${r}, ${g}, ${b})`);
    assert.ok(tensor.every((v) => v >= -1 && v <= 1));
  }
  await assert.rejects(guideTensor(new Uint8Array([1, 2, 3, 4]), 16), { code: 'UNSUPPORTED_MEDIA' });
});

test('outputs are clamped, rounded to bytes and written as the same PNG for the same pixels', async () => {
  // planes R, G, B of a 2 × 2 picture
  const image = Float32Array.from([-1.5, -1, -0.5, 0, 0.5, 1, 1.5, 0.25, -0.25, 0.75, -0.75, 2]);
  assert.deepEqual(Array.from(tensorToRgb(image, 2)), [0, 191, 96, 0, 255, 223, 64, 255, 32, 128, 159, 255]);
  const a = await encodePicture(image, 2);
  const b = await encodePicture(Float32Array.from(image), 2);
  assert.deepEqual(Buffer.from(a.png), Buffer.from(b.png));
  const { data, info } = await sharp(a.png).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.channels], [2, 3]);
  assert.deepEqual(Array.from(data), Array.from(tensorToRgb(image, 2)), 'lossless');
  const big = await encodePicture(image, 2, true);
  assert.deepEqual([big.width, big.height, (await sharp(big.png).metadata()).width], [4, 4, 4]);
});
