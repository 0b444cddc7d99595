import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadImagicBundle, resolveImagicBundleDir } from './bundle.js';
import { validManifest } from '../testing/manifests.js';

let models: string;
before(() => {
  models = mkdtempSync(join(tmpdir(), 'imagic-models-'));
});
after(() => rmSync(models, { recursive: true, force: true }));

test('without models/default-imagic the error says how to get a bundle', async () => {
  await assert.rejects(resolveImagicBundleDir(models), { name: 'GenerationError', code: 'BUNDLE_MISSING', message: /npm run train:imagic.*--bundle/ });
  writeFileSync(join(models, 'default-imagic'), 'imagic-small\n');
  assert.equal(await resolveImagicBundleDir(models), join(models, 'imagic-small'));
  assert.equal(await resolveImagicBundleDir(models, 'other'), join(models, 'other'));
  writeFileSync(join(models, 'default-imagic'), '../elsewhere');
  await assert.rejects(resolveImagicBundleDir(models), { code: 'BUNDLE_MISSING' });
});

test('a folder without a manifest or decoder, or with a file that is not ONNX, is BUNDLE_INVALID', async () => {
  const dir = join(models, 'broken');
  mkdirSync(dir);
  await assert.rejects(loadImagicBundle(dir), { code: 'BUNDLE_INVALID', message: /cannot read manifest.json/ });
  writeFileSync(join(dir, 'manifest.json'), '{ not json');
  await assert.rejects(loadImagicBundle(dir), { code: 'BUNDLE_INVALID', message: /not valid JSON/ });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(validManifest()));
  await assert.rejects(loadImagicBundle(dir), { code: 'BUNDLE_INVALID', message: /missing its decoder/ });
  writeFileSync(join(dir, 'decoder.onnx'), 'not a model');
  await assert.rejects(loadImagicBundle(dir), { code: 'BUNDLE_INVALID', message: /Cannot load the Imagic decoder/ });
});
