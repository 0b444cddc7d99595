// Jobs on PostgreSQL + BullMQ with a Redis of the test's own (issue 23, item 7): one owner at a
// time, a lease that runs out when its owner dies, FAILED with a reason when the queue is gone.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { codeOf, gql, gqlUpload, image, pollJob, removeDir, startTestApi, tempDir, type TestApi } from '../api/harness.js';
import { createTempDatabase } from '../api/pg.util.js';
import { freePort, killAndWait as stop, startRedis } from '../api/redis-server.js';

const LEASE_MS = 3000;
// replicas close first, while their Redis still answers; then the Redis servers; then the databases
const closeApis: (() => Promise<void>)[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const close of closeApis) await close();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function replica(env: Record<string, string>): Promise<TestApi> {
  const dataDir = tempDir();
  const api = await startTestApi(dataDir, { ...env, MUSE_JOB_LEASE_MS: String(LEASE_MS) });
  closeApis.push(async () => {
    await api.close().catch(() => undefined);
    removeDir(dataDir);
  });
  return api;
}

test('Redis down: tagAssets answers SERVICE_UNAVAILABLE at once and the job row says FAILED and why', async () => {
  const database = await createTempDatabase();
  cleanups.push(() => database.drop());
  const port = await freePort();
  const redis = await startRedis(port);
  cleanups.push(() => stop(redis));
  const api = await replica({ DATABASE_URL: database.url, REDIS_URL: `redis://127.0.0.1:${port}`, MUSE_QUEUE_NAME: 'reliability-a' });
  const key = await api.key(['read', 'write']);
  const asset = (await gqlUpload(api.url, 'mutation($f: Upload!) { ingestAsset(file: $f) { id } }', { f: null }, { 'variables.f': await image(3) }, { key })).data.ingestAsset.id;
  await stop(redis);
  const start = performance.now();
  const r = await gql(api.url, 'mutation($ids: [ID!]) { tagAssets(assetIds: $ids) { id } }', { ids: [asset] }, { key });
  const ms = performance.now() - start;
  assert.equal(codeOf(r), 'SERVICE_UNAVAILABLE', JSON.stringify(r.errors));
  assert.ok(ms < 8000, `answered after ${ms} ms`);
  const { prisma } = api.api.core.db;
  const rows = await prisma.job.findMany({ where: { type: 'TAG_ASSETS' } });
  assert.deepEqual(rows.map((j) => j.status), ['FAILED']);
  assert.match(rows[0].error ?? '', /the job queue is unavailable/);
  assert.ok((await fetch(`${api.url}/healthz`)).ok);

  // an upload is embedded by a job too: refused at once, its stored file removed, no asset
  const assetsBefore = await prisma.asset.count();
  const upload = await gqlUpload(api.url, 'mutation($f: Upload!) { ingestAsset(file: $f) { id } }', { f: null }, { 'variables.f': await image(5) }, { key });
  assert.equal(codeOf(upload), 'SERVICE_UNAVAILABLE', JSON.stringify(upload.errors));
  assert.equal(await prisma.asset.count(), assetsBefore);
  const ingestJobs = await prisma.job.findMany({ where: { type: 'INGEST_ASSET' }, orderBy: { createdAt: 'asc' } });
  assert.deepEqual(ingestJobs.map((j) => j.status), ['SUCCEEDED', 'FAILED']);
  const mediaFiles = readdirSync(api.api.core.services.config.mediaDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  assert.equal(mediaFiles.length, assetsBefore, 'no media file without an asset');

  // Redis comes back (empty): the same API takes and finishes jobs again, without a restart
  const again = await startRedis(port);
  cleanups.push(() => stop(again));
  let job: { id: string } | undefined;
  for (let i = 0; i < 100 && !job; i++) {
    const retry = await gql(api.url, 'mutation($ids: [ID!]) { tagAssets(assetIds: $ids) { id } }', { ids: [asset] }, { key });
    job = retry.data?.tagAssets;
    if (!job) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.ok(job, 'tagAssets works again once Redis is back');
  assert.equal((await pollJob(api.url, job.id, 60_000)).status, 'SUCCEEDED');
});

test('a job whose replica died mid-run is finished by another replica, once; a live one is left alone', async () => {
  const database = await createTempDatabase();
  cleanups.push(() => database.drop());
  const port = await freePort();
  const redis = await startRedis(port);
  cleanups.push(() => stop(redis));
  const env = { DATABASE_URL: database.url, REDIS_URL: `redis://127.0.0.1:${port}`, MUSE_QUEUE_NAME: 'reliability-b' };
  const a = await replica(env);
  const key = await a.key(['read', 'write']);
  const asset = (await gqlUpload(a.url, 'mutation($f: Upload!) { ingestAsset(file: $f, tags: ["calm"]) { id } }', { f: null }, { 'variables.f': await image(4) }, { key })).data.ingestAsset.id;
  const { prisma } = a.api.core.db;

  // a job that a replica which has since died was running: RUNNING, its lease lapsed, Redis holding nothing
  const orphan = await prisma.job.create({
    data: {
      type: 'TAG_ASSETS', status: 'RUNNING', attempts: 1, leaseOwner: 'dead-host:1:00000000',
      leaseExpiresAt: new Date(Date.now() - 1000), startedAt: new Date(),
      input: { assetIds: [asset], minScore: 0, apply: false, maxTagsPerAsset: 5 },
    },
  });
  // and one a live replica holds (its lease far ahead)
  const live = await prisma.job.create({
    data: {
      type: 'TAG_ASSETS', status: 'RUNNING', attempts: 1, leaseOwner: 'live-host:2:11111111',
      leaseExpiresAt: new Date(Date.now() + 10 * 60_000), startedAt: new Date(),
      input: { assetIds: [asset], minScore: 0, apply: false, maxTagsPerAsset: 5 },
    },
  });
  const b = await replica(env); // its start and its recovery sweeps find the orphan
  const done = await pollJob(b.url, orphan.id, 60_000);
  assert.equal(done.status, 'SUCCEEDED');
  const row = await prisma.job.findUniqueOrThrow({ where: { id: orphan.id } });
  assert.equal(row.attempts, 2, 'run once more, not once per replica');
  await new Promise((resolve) => setTimeout(resolve, LEASE_MS));
  const untouched = await prisma.job.findUniqueOrThrow({ where: { id: live.id } });
  assert.deepEqual([untouched.status, untouched.attempts, untouched.leaseOwner], ['RUNNING', 1, 'live-host:2:11111111']);
});
