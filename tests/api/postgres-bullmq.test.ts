// The scale-out path: PostgreSQL through DATABASE_URL and jobs through BullMQ on Redis.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { gql, gqlUpload, image, pollJob, removeDir, startTestApi, tempDir, tune } from './harness.js';
import { createTempDatabase } from './pg.util.js';

const REDIS_URL = process.env.MUSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const INGEST = 'mutation($file: Upload!, $tags: [String!]) { ingestAsset(file: $file, tags: $tags) { id kind } }';
const SEARCH = 'query($i: Upload!) { searchMusicByImage(image: $i, first: 5) { score asset { id } } }';

let dataDir: string;
let database: Awaited<ReturnType<typeof createTempDatabase>>;
const queueName = `muse-test-${randomBytes(4).toString('hex')}`;
const env = () => ({ DATABASE_URL: database.url, REDIS_URL, MUSE_QUEUE_NAME: queueName });

before(async () => {
  dataDir = tempDir();
  database = await createTempDatabase();
});

after(async () => {
  const q = new Queue(queueName, { connection: { url: REDIS_URL } as never });
  await q.obliterate({ force: true }).catch(() => undefined);
  await q.close();
  await database?.drop();
  removeDir(dataDir);
});

test('on PostgreSQL with BullMQ: ingest, search, a tagging job through Redis, restart', async () => {
  let results: unknown;
  let jobId: string;
  const first = await startTestApi(dataDir, env());
  try {
    assert.equal(first.api.core.db.engine, 'postgresql');
    assert.equal(first.api.core.services.jobs.runnerKind, 'bullmq');
    const key = await first.key(['read', 'write']);
    const imageIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await gqlUpload(first.url, INGEST, { file: null }, { 'variables.file': await image(i) }, { key });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      imageIds.push(r.data.ingestAsset.id);
    }
    for (let i = 0; i < 6; i++) {
      const r = await gqlUpload(first.url, INGEST, { file: null, tags: ['song', i % 2 ? 'fast' : 'slow'] }, { 'variables.file': tune(i) }, { key });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    }
    const again = await gqlUpload(first.url, INGEST, { file: null }, { 'variables.file': tune(0) }, { key });
    assert.equal((await gql(first.url, '{ stats { audio } }')).data.stats.audio, 6, 'same bytes, same asset');
    assert.ok(again.data.ingestAsset.id);
    results = (await gqlUpload(first.url, SEARCH, { i: null }, { 'variables.i': await image(50) })).data.searchMusicByImage;
    assert.equal((results as unknown[]).length, 5);

    const job = await gql(first.url, 'mutation($ids: [ID!]) { tagAssets(assetIds: $ids, minScore: 0.9) { id status } }', { ids: imageIds }, { key });
    assert.equal(job.errors, undefined, JSON.stringify(job.errors));
    jobId = job.data.tagAssets.id;
    const done = await pollJob(first.url, jobId);
    assert.equal(done.status, 'SUCCEEDED', done.error);
    assert.equal(done.result.processed, 4);
    assert.equal(done.attempts, 1);
    const tagged = await gql(first.url, 'query($id: ID!) { asset(id: $id) { tags { name origin } } }', { id: imageIds[0] });
    assert.ok(tagged.data.asset.tags.some((t: any) => t.name === 'song' && t.origin === 'PREDICTED'));
    // the job really travelled through Redis
    const queue = new Queue(queueName, { connection: { url: REDIS_URL } as never });
    try {
      const queued = await queue.getJob(`${jobId}-0`); // the first delivery (a re-delivery gets -<attempt>)
      assert.equal(queued?.data.jobId, jobId);
      assert.equal(await queued?.isCompleted(), true);
    } finally {
      await queue.close();
    }
  } finally {
    await first.close();
  }

  const second = await startTestApi(dataDir, env());
  try {
    assert.deepEqual(second.api.core.indexReport.map((r) => r.action), ['loaded', 'loaded']);
    const again = (await gqlUpload(second.url, SEARCH, { i: null }, { 'variables.i': await image(50) })).data.searchMusicByImage;
    assert.deepEqual(again, results);
    const job = await gql(second.url, 'query($id: ID!) { job(id: $id) { status result } }', { id: jobId! });
    assert.equal(job.data.job.status, 'SUCCEEDED');
  } finally {
    await second.close();
  }
});
