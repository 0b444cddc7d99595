// A failure late in an ingest (after the file is written and the rows inserted) leaves no
// row, file or vector behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { codeOf, gqlUpload, image, removeDir, startTestApi, tempDir } from './harness.js';

const INGEST = 'mutation($file: Upload!) { ingestAsset(file: $file, tags: ["kept"]) { id } }';

function mediaFiles(dataDir: string): string[] {
  return readdirSync(join(dataDir, 'media'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
}

test('when indexing fails the asset, its tags, embedding and media file are rolled back', async () => {
  const dataDir = tempDir();
  const server = await startTestApi(dataDir);
  try {
    const key = await server.key(['write']);
    const ok = await gqlUpload(server.url, INGEST, { file: null }, { 'variables.file': await image(1) }, { key });
    assert.equal(ok.errors, undefined);
    const { prisma } = server.api.core.db;
    const before = { assets: await prisma.asset.count(), embeddings: await prisma.embedding.count(), tags: await prisma.assetTag.count(), files: mediaFiles(dataDir) };
    const index = server.api.core.index;
    const realAdd = index.add.bind(index);
    index.add = () => {
      throw new Error('simulated index failure');
    };
    try {
      const failed = await gqlUpload(server.url, INGEST, { file: null }, { 'variables.file': await image(2) }, { key });
      assert.equal(codeOf(failed), 'INTERNAL_SERVER_ERROR');
    } finally {
      index.add = realAdd;
    }
    const after = { assets: await prisma.asset.count(), embeddings: await prisma.embedding.count(), tags: await prisma.assetTag.count(), files: mediaFiles(dataDir) };
    assert.deepEqual(after, before);
    assert.deepEqual([index.size('IMAGE'), index.size('AUDIO')], [1, 0]);
    // and the same bytes ingest cleanly afterwards
    const retry = await gqlUpload(server.url, INGEST, { file: null }, { 'variables.file': await image(2) }, { key });
    assert.equal(retry.errors, undefined, JSON.stringify(retry.errors));
    assert.equal(mediaFiles(dataDir).length, 2);
  } finally {
    await server.close();
    removeDir(dataDir);
  }
});

test('concurrent uploads of the same bytes end as one asset with one file', async () => {
  const dataDir = tempDir();
  const server = await startTestApi(dataDir);
  try {
    const key = await server.key(['write']);
    const file = await image(77);
    const results = await Promise.all(Array.from({ length: 4 }, () => gqlUpload(server.url, INGEST, { file: null }, { 'variables.file': file }, { key })));
    for (const r of results) assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.equal(new Set(results.map((r) => r.data.ingestAsset.id)).size, 1);
    assert.equal(mediaFiles(dataDir).length, 1);
    assert.equal(server.api.core.index.size('IMAGE'), 1);
    assert.equal((await fetch(`${server.url}/media/${results[0].data.ingestAsset.id}`)).status, 200);
  } finally {
    await server.close();
    removeDir(dataDir);
  }
});
