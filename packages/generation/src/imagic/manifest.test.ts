import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VOCAB_HASH, VOCAB_VERSION } from '../tokenizer/vocabulary.js';
import { validManifest } from '../testing/manifests.js';
import { GenerationError } from './errors.js';
import { parseImagicManifest } from './manifest.js';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof GenerationError ? e.code : 'other';
  }
  return undefined;
};

test('a valid manifest passes', () => {
  assert.equal(parseImagicManifest(validManifest()).decoder.maxContext, 256);
});

test('another vocabulary is VOCAB_MISMATCH, naming both', () => {
  for (const vocab of [{ version: 'imagic-remi-0' }, { hash: '0000000000000000' }, { size: 680 }]) {
    const m = validManifest();
    Object.assign(m.vocab, vocab);
    assert.equal(code(() => parseImagicManifest(m)), 'VOCAB_MISMATCH');
  }
  const m = validManifest();
  m.vocab.hash = 'ffff';
  assert.throws(() => parseImagicManifest(m), new RegExp(`${VOCAB_VERSION} \\(hash ${VOCAB_HASH}`));
});

test('a wrong kind, a missing encoder pin or decoder field is BUNDLE_INVALID, all problems listed', () => {
  const broken = validManifest();
  broken.kind = 'muvis';
  delete broken.encoder.files;
  broken.decoder.maxContext = 16;
  delete broken.decoder.heads;
  assert.equal(code(() => parseImagicManifest(broken)), 'BUNDLE_INVALID');
  assert.throws(() => parseImagicManifest(broken), /kind must be 'imagic'.*encoder.files.*decoder.heads.*maxContext must be at least 64/);
  const noEncoder = validManifest();
  delete noEncoder.encoder;
  assert.throws(() => parseImagicManifest(noEncoder), /encoder must name the pinned MuVis bundle/);
  const badHash = validManifest();
  badHash.encoder.files['image.onnx'] = 'xyz';
  assert.equal(code(() => parseImagicManifest(badHash)), 'BUNDLE_INVALID');
  assert.equal(code(() => parseImagicManifest(null)), 'BUNDLE_INVALID');
});
