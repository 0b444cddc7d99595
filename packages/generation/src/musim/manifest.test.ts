import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GenerationError } from '../imagic/errors.js';
import { validMusimManifest } from './fake-models.js';
import { parseMusimManifest } from './manifest.js';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof GenerationError ? e.code : 'other';
  }
  return undefined;
};

test('a valid manifest passes, with epsilon or v prediction', () => {
  assert.equal(parseMusimManifest(validMusimManifest()).denoiser.trainSteps, 10);
  const v = validMusimManifest();
  v.denoiser.prediction = 'v';
  assert.equal(parseMusimManifest(v).denoiser.prediction, 'v');
});

test('a wrong kind, missing pin, sizes or files are BUNDLE_INVALID, all problems listed', () => {
  const broken = validMusimManifest();
  broken.kind = 'imagic';
  delete broken.encoder.files;
  broken.latent.size = 0;
  delete broken.autoencoder.decoder;
  broken.denoiser.prediction = 'x0';
  assert.equal(code(() => parseMusimManifest(broken)), 'BUNDLE_INVALID');
  assert.throws(() => parseMusimManifest(broken), /kind must be 'musim'.*encoder.files.*latent must hold.*autoencoder must name.*prediction must be 'epsilon' or 'v', got "x0"/);
  const noImage = validMusimManifest();
  delete noImage.image;
  assert.throws(() => parseMusimManifest(noImage), /image.size must be a positive integer/);
  assert.equal(code(() => parseMusimManifest(null)), 'BUNDLE_INVALID');
});

test('the schedule must have trainSteps values, strictly decreasing inside (0, 1)', () => {
  const cases: [(m: Record<string, any>) => void, RegExp][] = [
    [(m) => { m.denoiser.trainSteps = 11; }, /has 10 values, trainSteps is 11/],
    [(m) => { m.denoiser.alphasCumprod[3] = m.denoiser.alphasCumprod[2]; }, /must decrease strictly: \[3\]/],
    [(m) => { m.denoiser.alphasCumprod[0] = 1; }, /alphasCumprod\[0\] must lie in \(0, 1\)/],
    [(m) => { m.denoiser.alphasCumprod[9] = 0; }, /alphasCumprod\[9\] must lie in \(0, 1\)/],
    [(m) => { m.denoiser.alphasCumprod[5] = 'x'; }, /alphasCumprod\[5\] must lie in \(0, 1\), got "x"/],
    [(m) => { m.denoiser.alphasCumprod = {}; }, /must be an array of numbers/],
    [(m) => { m.denoiser.trainSteps = 1; m.denoiser.alphasCumprod = [0.5]; }, /trainSteps must be an integer of at least 2/],
  ];
  for (const [breakIt, message] of cases) {
    const m = validMusimManifest();
    breakIt(m);
    assert.throws(() => parseMusimManifest(m), (e: unknown) => e instanceof GenerationError && e.code === 'BUNDLE_INVALID' && message.test(e.message), String(message));
  }
});
