// apps/api/schema.graphql (what the web UI and clients build against) matches the resolvers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './harness.js';

const { printApiSchema } = await import('../../apps/api/src/schema/print-schema.js');

test('apps/api/schema.graphql is up to date (regenerate: npx tsx apps/api/scripts/emit-schema.ts)', async () => {
  assert.equal(readFileSync(join(REPO_ROOT, 'apps/api/schema.graphql'), 'utf8'), await printApiSchema());
});

test('the schema has the operations and core types the design names', async () => {
  const sdl = await printApiSchema();
  for (const op of ['searchMusicByImage(', 'searchImagesByAudio(', 'searchMusicByAudio(', 'similar(', 'assets(', 'asset(', 'suggestTags(', 'tagAssets(', 'ingestAsset(', 'deleteAsset(', 'createLibrary(', 'addAssetsToLibrary(', 'removeAssetsFromLibrary(', 'job(', 'stats:']) {
    assert.ok(sdl.includes(`  ${op}`), op);
  }
  for (const field of ['id', 'kind', 'title', 'caption', 'url', 'mime', 'durationSeconds', 'width', 'height', 'source', 'tags', 'createdAt']) {
    assert.match(sdl, new RegExp(`type Asset \\{[^}]*\\n  ${field}[:(]`), field);
  }
});
