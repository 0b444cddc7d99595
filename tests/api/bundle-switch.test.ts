// Switching the model bundle: stored assets are embedded with the new bundle from their media
// files at start, its indexes are built, and search works on them; the old vectors stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, TEST_MODEL, gql, gqlUpload, image, removeDir, startTestApi, tempDir, tune } from './harness.js';

test('a new bundle version re-embeds stored assets at start and rebuilds its indexes', async () => {
  const root = tempDir();
  const dataDir = join(root, 'data');
  // the same towers published as the bundle's next version, in a models folder of our own
  const source = join(REPO_ROOT, 'models', TEST_MODEL);
  const models = join(root, 'models');
  mkdirSync(join(models, TEST_MODEL), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(source, 'manifest.json'), 'utf8'));
  const next = `${manifest.version}-next`;
  assert.notEqual(manifest.version, next);
  writeFileSync(join(models, TEST_MODEL, 'manifest.json'), JSON.stringify({ ...manifest, version: next }));
  for (const f of [manifest.audio.onnx, manifest.image.onnx]) symlinkSync(join(source, f), join(models, TEST_MODEL, f));

  let before: unknown;
  const v1 = await startTestApi(dataDir);
  try {
    const key = await v1.key(['write']);
    for (let i = 0; i < 3; i++) {
      await gqlUpload(v1.url, 'mutation($f: Upload!) { ingestAsset(file: $f) { id } }', { f: null }, { 'variables.f': await image(i) }, { key });
      await gqlUpload(v1.url, 'mutation($f: Upload!) { ingestAsset(file: $f) { id } }', { f: null }, { 'variables.f': tune(i) }, { key });
    }
    before = (await gqlUpload(v1.url, 'query($i: Upload!) { searchMusicByImage(image: $i, first: 3) { score asset { id } } }', { i: null }, { 'variables.i': await image(9) })).data;
  } finally {
    await v1.close();
  }

  const v2 = await startTestApi(dataDir, { MUSE_MODELS_DIR: models });
  try {
    assert.equal(v2.api.core.backfilled, 6);
    assert.deepEqual(v2.api.core.indexReport.map((r) => [r.action, r.reason]), [['rebuilt', 'bundle version changed'], ['rebuilt', 'bundle version changed']]);
    const stats = await gql(v2.url, '{ stats { bundle { name version } indexes { size } } }');
    assert.deepEqual(stats.data.stats.bundle, { name: TEST_MODEL, version: next });
    assert.deepEqual(stats.data.stats.indexes.map((i: any) => i.size), [3, 3]);
    const after = (await gqlUpload(v2.url, 'query($i: Upload!) { searchMusicByImage(image: $i, first: 3) { score asset { id } } }', { i: null }, { 'variables.i': await image(9) })).data;
    assert.deepEqual(after, before, 'same towers, same vectors, same results');
    assert.equal(await v2.api.core.db.prisma.embedding.count(), 12, 'one vector per asset and bundle version');
  } finally {
    await v2.close();
    removeDir(root);
  }
});
