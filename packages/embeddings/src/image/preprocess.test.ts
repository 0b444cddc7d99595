import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeImage } from '@muse/embeddings';
import { imageTensor, resizeAndCrop, resizedDimensions } from './preprocess.js';
import { fixture, golden, maxAbsDiff, readF32 } from '../testing/helpers.js';

test('image tensor of the golden PNG equals features.image_tensor (tolerance 1e-6)', async () => {
  const meta = golden();
  const image = await decodeImage(fixture('golden', meta.image.file));
  const tensor = imageTensor(image, meta.image);
  const expected = readF32('golden', meta.image.tensor);
  assert.equal(tensor.length, 3 * meta.image.size * meta.image.size);
  // Same bytes after Pillow-exact resizing, so only float rounding differs.
  const diff = maxAbsDiff(tensor, expected);
  assert.ok(diff <= 1e-6, `max |Δ| = ${diff}`);
});

test('non-square image: shorter side resized (upscaled), centre-cropped, byte-exact with Pillow', async () => {
  const meta = golden();
  const image = await decodeImage(fixture('golden', meta.smallImage.file));
  assert.deepEqual([image.width, image.height], [90, 60]);
  assert.deepEqual(resizedDimensions(90, 60, 128), { width: 192, height: 128 });
  const rgb = resizeAndCrop(image, meta.smallImage.size);
  const expected = fixture('golden', meta.smallImage.rgb);
  assert.equal(maxAbsDiff(rgb, expected), 0);
});
