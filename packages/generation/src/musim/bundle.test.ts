import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMusimBundle, resolveMusimBundleDir } from './bundle.js';
import { validMusimManifest } from './fake-models.js';

let models: string;
before(() => {
  models = mkdtempSync(join(tmpdir(), 'musim-models-'));
});
after(() => rmSync(models, { recursive: true, force: true }));

test('without models/default-musim the error says how to get a bundle', async () => {
  await assert.rejects(resolveMusimBundleDir(models), { name: 'GenerationError', code: 'BUNDLE_MISSING', message: /npm run train:musim.*--bundle/ });
  writeFileSync(join(models, 'default-musim'), 'musim-small\n');
  assert.equal(await resolveMusimBundleDir(models), join(models, 'musim-small'));
  assert.equal(await resolveMusimBundleDir(models, 'other'), join(models, 'other'));
  writeFileSync(join(models, 'default-musim'), '../elsewhere');
  await assert.rejects(resolveMusimBundleDir(models), { code: 'BUNDLE_MISSING' });
});

test('a folder without a manifest or an ONNX file, or with a file that is not ONNX, is BUNDLE_INVALID', async () => {
  const dir = join(models, 'broken');
  mkdirSync(dir);
  await assert.rejects(loadMusimBundle(dir), { code: 'BUNDLE_INVALID', message: /No MusIm bundle.*cannot read manifest.json/ });
  writeFileSync(join(dir, 'manifest.json'), '{ not json');
  await assert.rejects(loadMusimBundle(dir), { code: 'BUNDLE_INVALID', message: /not valid JSON/ });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(validMusimManifest()));
  await assert.rejects(loadMusimBundle(dir), { code: 'BUNDLE_INVALID', message: /missing its autoencoder encoder/ });
  writeFileSync(join(dir, 'encoder.onnx'), 'not a model');
  writeFileSync(join(dir, 'decoder.onnx'), 'not a model');
  await assert.rejects(loadMusimBundle(dir), { code: 'BUNDLE_INVALID', message: /missing its denoiser/ });
  writeFileSync(join(dir, 'denoiser.onnx'), 'not a model');
  await assert.rejects(loadMusimBundle(dir), { code: 'BUNDLE_INVALID', message: /Cannot load the MusIm encoder/ });
});
