// Several replicas (issue 23, items 8 and 9), as real processes on loopback: two API replicas that
// only enqueue jobs (MUSE_RUN_JOBS=false) and two `npm run worker` processes, on one fresh PostgreSQL
// database, one Redis queue and one shared media folder; each process has its own DATA_DIR (its
// own saved vector index). The indexes converge through the index change feed (NOTIFY, then a poll
// every MUSE_INDEX_FEED_POLL_MS); a worker killed with SIGKILL mid-job loses its lease and the
// other worker finishes the job, once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { gql, gqlUpload, image, pollJob, REPO_ROOT, tune } from '../api/harness.js';
import type { Proc } from '../api/processes.js';
import { Cluster, START_TIMEOUT_MS, until as poll } from './cluster.js';

const REDIS_URL = process.env.MUSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const IMAGIC = process.env.IMAGIC_TEST_BUNDLE ?? join(REPO_ROOT, 'data/imagic/bundles/imagic-untrained');
const noImagic = existsSync(join(IMAGIC, 'manifest.json')) ? false : `no Imagic bundle at ${IMAGIC}: run \`.ci/run\` or set IMAGIC_TEST_BUNDLE`;
const LEASE_MS = 3000;
/** the fallback poll of the change feed; NOTIFY normally wakes a replica long before */
const FEED_POLL_MS = 1000;
/** the stated convergence bound (README, "Running more than one instance"): one poll, plus a busy 2-core machine's slack */
const CONVERGENCE_BOUND_MS = FEED_POLL_MS + 4000;

/** polls every 20 ms: most probes here are searches */
const until = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number) => poll(what, probe, timeoutMs, 20);

const SHA = (c: string) => c.repeat(64);
/** media files without a row, by age: only the ones older than an hour may be swept on PostgreSQL */
const SWEEP_FILES: Record<string, number> = {
  [`aa/${SHA('a')}.png`]: 5 * 60_000,
  [`bb/${SHA('b')}.wav.0123456789ab.tmp`]: 0,
  [`cc/${SHA('c')}.png`]: 2 * 3_600_000,
  [`dd/${SHA('d')}.wav.0123456789ab.tmp`]: 2 * 3_600_000,
};

const cluster = new Cluster({
  name: 'replicas',
  queueName: `muse-replicas-${randomBytes(4).toString('hex')}`,
  redisUrl: REDIS_URL,
  leaseMs: LEASE_MS,
  feedPollMs: FEED_POLL_MS,
  env: { MUSE_IMAGIC_BUNDLE: IMAGIC, MUSE_GENERATE_MIN_SECONDS: '1' },
  // what another process is in the middle of writing (young), and what a crash left long ago (old):
  // every process sweeps the shared folder at start
  beforeProcesses: ({ mediaDir }) => {
    for (const [name, ageMs] of Object.entries(SWEEP_FILES)) {
      const path = join(mediaDir, name);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, 'bytes');
      const when = new Date(Date.now() - ageMs);
      utimesSync(path, when, when);
    }
  },
});
let a: Proc, b: Proc, workers: Proc[], sql: pg.Client, key: string;

before(async () => {
  ({ a, b, workers, sql, key } = await cluster.start());
}, { timeout: START_TIMEOUT_MS + 30_000 });

after(() => cluster.stop());

const INGEST = 'mutation($f: Upload!) { ingestAsset(file: $f) { id url } }';

async function ingest(url: string, file: Awaited<ReturnType<typeof image>>): Promise<{ id: string; url: string }> {
  const r = await gqlUpload(url, INGEST, { f: null }, { 'variables.f': file }, { key });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.ingestAsset;
}

async function musicFor(url: string, picture: Awaited<ReturnType<typeof image>>, first: number): Promise<string[]> {
  const r = await gqlUpload(url, `query($i: Upload!) { searchMusicByImage(image: $i, first: ${first}) { asset { id } } }`, { i: null }, { 'variables.i': picture });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.searchMusicByImage.map((h: { asset: { id: string } }) => h.asset.id);
}

test('an asset ingested on A is found by a search on B within the stated bound', { timeout: 120_000 }, async () => {
  const query = await image(1);
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const { id } = await ingest(a.url!, tune(100 + i));
    const start = performance.now();
    await until('B to find the new asset', async () => (await musicFor(b.url!, query, 50)).includes(id), CONVERGENCE_BOUND_MS);
    times.push(performance.now() - start);
  }
  // the first search on B also finds an image ingested on A (the other modality's index)
  const picture = await ingest(a.url!, await image(7));
  await until('B to find the new image', async () => {
    const r = await gqlUpload(b.url!, 'query($a: Upload!) { searchImagesByAudio(audio: $a, first: 50) { asset { id } } }', { a: null }, { 'variables.a': tune(100) });
    return r.data?.searchImagesByAudio?.some((h: { asset: { id: string } }) => h.asset.id === picture.id);
  }, CONVERGENCE_BOUND_MS);
  process.stdout.write(`# convergence A -> B (ms, each including one search round trip): ${times.map((t) => t.toFixed(0)).join(', ')}\n`);
  // B records how far in the feed its saved index stands
  const feed = await until('B to save its index', async () => {
    const path = join(readdirOne(readdirOne(join(b.dataDir, 'index'))), 'feed.json');
    return existsSync(path) && JSON.parse(readFileSync(path, 'utf8'));
  }, 10_000);
  assert.ok(Number.isInteger(feed.seq) && feed.seq >= 1, JSON.stringify(feed));
});

/** The one entry of a folder (the bundle, then its version, under DATA_DIR/index). */
function readdirOne(dir: string): string {
  const names = readdirSync(dir).filter((n) => !n.startsWith('.'));
  assert.equal(names.length, 1, `${dir}: ${names.join(', ')}`);
  return join(dir, names[0]);
}

test('a delete on A: B returns full pages without the deleted assets', { timeout: 120_000 }, async () => {
  const query = await image(2);
  const ids: string[] = [];
  for (let i = 0; i < 8; i++) ids.push((await ingest(a.url!, tune(200 + i))).id);
  await until('B to hold every new asset', async () => {
    const found = new Set(await musicFor(b.url!, query, 100));
    return ids.every((id) => found.has(id));
  }, CONVERGENCE_BOUND_MS);
  // delete what B ranks first, so that a stale index would have to fill the page with them
  const top = (await musicFor(b.url!, query, 5)).filter((id) => ids.includes(id)).slice(0, 3);
  assert.ok(top.length >= 1);
  for (const id of top) {
    const r = await gql(a.url!, 'mutation($id: ID!) { deleteAsset(id: $id) }', { id }, { key });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  }
  // B's index applies the feed's REMOVE rows within the bound (stats reads the index, searching nothing)
  const rows = await sql.query(`SELECT count(*)::int AS n FROM assets WHERE kind = 'AUDIO'`);
  const start = performance.now();
  await until("B's index to hold what the database holds", async () => {
    const stats = (await gql(b.url!, '{ stats { audio indexes { modality size } } }')).data.stats;
    return stats.audio === rows.rows[0].n && stats.indexes.find((i: { modality: string }) => i.modality === 'AUDIO').size === rows.rows[0].n;
  }, CONVERGENCE_BOUND_MS);
  process.stdout.write(`# delete convergence A -> B's index: ${(performance.now() - start).toFixed(0)} ms\n`);
  // full pages without the deleted assets (a search also drops a label whose row is gone, should it come before the feed)
  for (let i = 0; i < 5; i++) {
    const hits = await musicFor(b.url!, query, 5);
    assert.equal(hits.length, 5, 'first: 5 gives 5 hits while at least 5 remain');
    assert.ok(!hits.some((id) => top.includes(id)), 'no deleted asset');
  }
});

test('the start-up sweeps of four processes on one media folder keep young files (another process may be writing them) and remove old orphans', () => {
  const left = Object.keys(SWEEP_FILES).filter((name) => existsSync(join(cluster.mediaDir, name)));
  assert.deepEqual(left, Object.keys(SWEEP_FILES).filter((name) => SWEEP_FILES[name] < 3_600_000));
});

test('media uploaded through A is served by B (one shared media folder)', { timeout: 60_000 }, async () => {
  const file = await image(11, 'png');
  const asset = await ingest(a.url!, file);
  const fromB = await fetch(`${b.url}/media/${asset.id}`);
  assert.equal(fromB.status, 200);
  assert.deepEqual(Buffer.from(await fromB.arrayBuffer()), Buffer.from(file.bytes));
  const ranged = await fetch(`${b.url}/media/${asset.id}`, { headers: { range: 'bytes=0-7' } });
  assert.equal(ranged.status, 206);
  assert.equal((await ranged.arrayBuffer()).byteLength, 8);
});

test('a replica stopped while A ingests catches up from the feed at restart (replays after its saved seq, no rebuild)', { timeout: 240_000 }, async () => {
  await cluster.processes.stop(b);
  const { id } = await ingest(a.url!, tune(300));
  b = await cluster.startProcess('api-b2', 'api', { MUSE_RUN_JOBS: 'false', LOG_LEVEL: 'info' }, b.dataDir);
  const ready = b.output.join('').split('\n').map((line) => line.trim()).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line)).find((l) => l.msg === 'vector indexes ready');
  assert.ok(ready, 'the start-up report is logged');
  const actions = Object.fromEntries(ready.indexes.map((r: { modality: string; action: string }) => [r.modality, r.action]));
  assert.deepEqual(actions, { IMAGE: 'loaded', AUDIO: 'caught up' });
  assert.ok((await musicFor(b.url!, await image(1), 100)).includes(id));
});

test('a tagging job enqueued on A runs on a worker, exactly once; the API replicas run none', { timeout: 90_000 }, async () => {
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push((await ingest(a.url!, await image(30 + i))).id);
  const r = await gql(a.url!, 'mutation($ids: [ID!]) { tagAssets(assetIds: $ids) { id status } }', { ids }, { key });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const jobId = r.data.tagAssets.id;
  const owners = new Set<string>();
  const watching = (async () => {
    for (;;) {
      const row = (await sql.query('SELECT status, lease_owner FROM jobs WHERE id = $1', [jobId])).rows[0];
      if (row.lease_owner) owners.add(row.lease_owner);
      if (!['QUEUED', 'RUNNING'].includes(row.status)) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const job = await pollJob(b.url!, jobId, 60_000);
  await watching;
  assert.equal(job.status, 'SUCCEEDED', JSON.stringify(job));
  assert.equal(job.attempts, 1, 'run once');
  const workerPids = new Set(workers.map((w) => String(w.child.pid)));
  for (const owner of owners) assert.ok(workerPids.has(owner.split(':')[1]), `run by ${owner}, not a worker`);
});

test('a worker killed (SIGKILL) mid-job: the other worker finishes the job once, after the lease runs out', { skip: noImagic, timeout: 240_000 }, async () => {
  const picture = await ingest(a.url!, await image(50));
  const r = await gql(a.url!, 'mutation($input: GenerateMusicInput!) { generateMusic(input: $input) { id } }', { input: { imageAssetId: picture.id, seconds: 12, seed: 3 } }, { key });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const jobId = r.data.generateMusic.id;
  const running = await until('the job to run on a worker', async () => {
    const row = (await sql.query('SELECT status, progress, lease_owner FROM jobs WHERE id = $1', [jobId])).rows[0];
    return row.status === 'RUNNING' && row.progress > 0 && row.lease_owner ? row : undefined;
  }, 120_000);
  // the replicas answer at once while a worker generates
  for (const replica of [a, b]) {
    const start = performance.now();
    assert.ok((await fetch(`${replica.url}/healthz`)).ok);
    assert.ok(performance.now() - start < 1000, `${replica.name} /healthz took ${performance.now() - start} ms`);
  }
  const victim = workers.find((w) => String(w.child.pid) === running.lease_owner.split(':')[1]);
  assert.ok(victim, `the job runs on ${running.lease_owner}, a worker`);
  const survivor = workers.find((w) => w !== victim)!;
  const killedAt = performance.now();
  await new Promise<void>((resolve) => {
    victim.child.once('exit', () => resolve());
    victim.child.kill('SIGKILL');
  });
  const job = await pollJob(a.url!, jobId, 180_000);
  assert.equal(job.status, 'SUCCEEDED', JSON.stringify(job));
  assert.equal(job.attempts, 2, 'the killed attempt and the one that finished');
  assert.ok(performance.now() - killedAt >= LEASE_MS - 500, 'taken over only once the lease ran out');
  const generated = await sql.query(`SELECT count(*)::int AS n FROM assets WHERE source = 'GENERATED'`);
  assert.equal(generated.rows[0].n, 1, 'one piece, stored once');
  const generations = await sql.query('SELECT count(*)::int AS n FROM generations');
  assert.equal(generations.rows[0].n, 1);
  // the surviving worker ingested it; both replicas find it
  const pieceId = job.result.assetIds[0];
  for (const replica of [a, b]) {
    await until(`${replica.name} to find the generated piece`, async () => (await musicFor(replica.url!, await image(50), 100)).includes(pieceId), CONVERGENCE_BOUND_MS);
  }
  assert.ok(survivor.child.exitCode === null, 'the other worker still runs');
});
