// Finished jobs are deleted once MUSE_JOB_RETENTION_HOURS has passed (here 2 s, so the API prunes every second),
// except the SUCCEEDED generation jobs that myGenerations reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gql, gqlUpload, image, pollJob, REPO_ROOT, serveTestApi } from './harness.js';

const IMAGIC_TEST_BUNDLE = process.env.IMAGIC_TEST_BUNDLE ?? join(REPO_ROOT, 'data/imagic/bundles/imagic-untrained');

const RETENTION_SECONDS = 2;
const noImagic = existsSync(join(IMAGIC_TEST_BUNDLE, 'manifest.json')) ? false : `no Imagic bundle at ${IMAGIC_TEST_BUNDLE}`;

let writeKey = '';
let imageId = '';
const server = serveTestApi({ MUSE_JOB_RETENTION_HOURS: String(RETENTION_SECONDS / 3600), MUSE_IMAGIC_BUNDLE: noImagic ? undefined : IMAGIC_TEST_BUNDLE, MUSE_GENERATE_MIN_SECONDS: '1' }, async (s) => {
  writeKey = await s.key(['read', 'write']);
  const up = await gqlUpload(s.url, 'mutation($f: Upload!) { ingestAsset(file: $f) { id } }', { f: null }, { 'variables.f': await image(5) }, { key: writeKey });
  assert.equal(up.errors, undefined, JSON.stringify(up.errors));
  imageId = up.data.ingestAsset.id;
});

async function jobExists(id: string): Promise<boolean> {
  const r = await gql(server.url, 'query($id: ID!) { job(id: $id) { id } }', { id });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.job !== null;
}

async function tagJob(): Promise<string> {
  const r = await gql(server.url, 'mutation($ids: [ID!]) { tagAssets(assetIds: $ids, minScore: 0, apply: true, maxTagsPerAsset: 1) { id } }', { ids: [imageId] }, { key: writeKey });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const job = await pollJob(server.url, r.data.tagAssets.id);
  assert.equal(job.status, 'SUCCEEDED', job.error);
  return job.id;
}

async function untilGone(id: string, seconds = 15): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (await jobExists(id)) {
    if (Date.now() > deadline) assert.fail(`job ${id} was still there ${seconds} s after it finished (retention ${RETENTION_SECONDS} s)`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('a finished tagging job is deleted after the retention period', async () => {
  const id = await tagJob();
  assert.ok(await jobExists(id), 'there right after it finished');
  await untilGone(id);
});

test("a generation's SUCCEEDED job outlives the retention period, so myGenerations still lists what it made", { skip: noImagic }, async () => {
  const r = await gql(server.url, 'mutation($input: GenerateMusicInput!) { generateMusic(input: $input) { id } }',
    { input: { imageAssetId: imageId, seconds: 2, seed: 1 } }, { key: writeKey });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const generation = await pollJob(server.url, r.data.generateMusic.id, 120_000);
  assert.equal(generation.status, 'SUCCEEDED', generation.error);
  // a tagging job that finished after the generation is gone: pruning has run past the generation's retention
  await untilGone(await tagJob());
  assert.ok(await jobExists(generation.id), 'the generation job is kept');
  const mine = await gql(server.url, '{ myGenerations { id source } }', {}, { key: writeKey });
  assert.equal(mine.errors, undefined, JSON.stringify(mine.errors));
  assert.ok(mine.data.myGenerations.some((a: { source: string }) => a.source === 'GENERATED'), JSON.stringify(mine.data));
});
