// generateMusic on the scale-out path (issue 20 with issue 23's jobs): two API instances on one PostgreSQL, one
// BullMQ queue and one shared media folder. A job runs on whichever instance's worker takes it; cancelJob and
// jobUpdated through instance A reach a job that B runs (through the job row, not in-process notification).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { gql, gqlUpload, image, REPO_ROOT, removeDir, startTestApi, tempDir, type TestApi } from './harness.js';
import { createTempDatabase } from './pg.util.js';

const BUNDLE = process.env.IMAGIC_TEST_BUNDLE ?? join(REPO_ROOT, 'data/imagic/bundles/imagic-untrained');
const skip = existsSync(join(BUNDLE, 'manifest.json')) ? false : `no Imagic bundle at ${BUNDLE}: run \`.ci/run\` or set IMAGIC_TEST_BUNDLE`;
const REDIS_URL = process.env.MUSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const JOB = 'id status progress message error result';

let dataDir = '';
let database: Awaited<ReturnType<typeof createTempDatabase>> | undefined;
const queueName = `muse-test-${randomBytes(4).toString('hex')}`;
const apis: TestApi[] = [];

before(async () => {
  if (skip) return;
  dataDir = tempDir();
  database = await createTempDatabase();
  const env = { DATABASE_URL: database.url, REDIS_URL, MUSE_QUEUE_NAME: queueName, MUSE_IMAGIC_BUNDLE: BUNDLE, MUSE_GENERATE_MIN_SECONDS: '1', MUSE_JOB_WATCH_POLL_MS: '200' };
  // one after the other: both migrate the same database
  apis.push(await startTestApi(dataDir, env));
  apis.push(await startTestApi(dataDir, env));
});

after(async () => {
  for (const api of apis) await api.close().catch(() => undefined);
  const q = new Queue(queueName, { connection: { url: REDIS_URL } as never });
  await q.obliterate({ force: true }).catch(() => undefined);
  await q.close();
  await database?.drop();
  if (dataDir) removeDir(dataDir);
});

async function jobOf(url: string, id: string) {
  return (await gql(url, `query($id: ID!) { job(id: $id) { ${JOB} } }`, { id })).data.job;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('two instances, one queue: a job B runs is followed and cancelled through A; a job queued on B is stored for both', { skip }, async () => {
  const [a, b] = apis;
  const key = await a.key(['read', 'write']);
  const prisma = a.api.core.db.prisma;
  const up = await gqlUpload(a.url, 'mutation($f: Upload!) { ingestAsset(file: $f, title: "scene") { id } }', { f: null }, { 'variables.f': await image(5) }, { key });
  assert.equal(up.errors, undefined, JSON.stringify(up.errors));
  const imageAssetId = up.data.ingestAsset.id;
  const generate = async (url: string, input: Record<string, unknown>) => {
    const r = await gql(url, `mutation($input: GenerateMusicInput!) { generateMusic(input: $input) { ${JOB} } }`, { input: { imageAssetId, ...input } }, { key });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data.generateMusic.id as string;
  };

  // two long jobs: each instance's worker runs one at a time, so one runs on A and the other on B
  const ids = [await generate(a.url, { seconds: 60, count: 3, seed: 1 }), await generate(a.url, { seconds: 60, count: 3, seed: 2 })];
  const owners = await until('both jobs to run', async () => {
    const rows = await prisma.job.findMany({ where: { id: { in: ids } } });
    return rows.every((r) => r.status === 'RUNNING' && r.progress > 0) && new Set(rows.map((r) => r.leaseOwner)).size === 2 && rows;
  });
  assert.ok(owners.some((r) => r.leaseOwner === b.api.core.services.jobs.owner), 'B runs one of them');

  const client = createClient({ url: `${a.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  try {
    const running = (s: any) => s.status === 'RUNNING' && /bar \d+ of \d+/.test(s.message ?? '');
    const seen: any[][] = ids.map(() => []);
    const followed = ids.map((id, n) => new Promise<any[]>((resolve, reject) => {
      const history = seen[n];
      client.subscribe({ query: `subscription($id: ID!) { jobUpdated(id: $id) { ${JOB} } }`, variables: { id } }, {
        next: (r: any) => (r.errors ? reject(new Error(JSON.stringify(r.errors))) : history.push(r.data.jobUpdated)),
        error: reject,
        complete: () => resolve(history),
      });
    }));
    // cancel only once each subscription has shown progress: the subscriptions start lazily, and a cancel
    // sent before their first poll would leave nothing but CANCELLED to see
    await until('progress on both subscriptions', async () => seen.every((h) => h.some(running)));
    for (const id of ids) {
      const r = await gql(a.url, `mutation($id: ID!) { cancelJob(id: $id) { ${JOB} } }`, { id }, { key });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    }
    const histories = await Promise.all(followed);
    for (const history of histories) {
      assert.equal(history.at(-1).status, 'CANCELLED', JSON.stringify(history.at(-1)));
      assert.ok(history.some(running), 'progress came through the row');
    }
  } finally {
    await client.dispose();
  }
  assert.equal(await prisma.generation.count(), 0, 'nothing is kept of a cancelled job');
  assert.equal(await prisma.asset.count({ where: { source: 'GENERATED' } }), 0);

  // a short job asked of B: its result is one asset, seen the same from A
  const shortId = await generate(b.url, { seconds: 2, seed: 1 });
  const done = await until('the job to finish', async () => {
    const job = await jobOf(a.url, shortId);
    return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.status) && job;
  });
  assert.equal(done.status, 'SUCCEEDED', JSON.stringify(done));
  const asset = (await gql(a.url, 'query($id: ID!) { asset(id: $id) { source generation { bundle seed midiUrl } } }', { id: done.result.assetIds[0] })).data.asset;
  assert.deepEqual([asset.source, asset.generation.bundle, asset.generation.seed], ['GENERATED', 'imagic-untrained@1', 1]);
  assert.equal((await fetch(asset.generation.midiUrl)).status, 200);
});
