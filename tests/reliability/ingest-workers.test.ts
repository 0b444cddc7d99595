// Ingest embedding on BullMQ workers (issue 23, item 8: "ingest embedding ... run on BullMQ workers,
// any number of them, each job once; the API stays responsive while workers are saturated"), as real
// processes on loopback: two API replicas that only enqueue (MUSE_RUN_JOBS=false) and two
// `npm run worker` processes, on one fresh PostgreSQL database, a redis-server of this test's own and
// one shared media folder. An upload stored by a replica is embedded by an INGEST_ASSET job on a
// worker; the replica answers with the asset once the job is done.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import pg from 'pg';
import { REPO_ROOT, codeOf, gqlUpload, image, pollJob, removeDir, tempDir, testEnv, tune, wav, type UploadFile } from '../api/harness.js';
import type { Proc } from '../api/processes.js';
import { killAndWait } from '../api/redis-server.js';
import { Cluster, START_TIMEOUT_MS, until } from './cluster.js';

const LEASE_MS = 3000;
const FEED_POLL_MS = 1000;
/** the README's convergence bound (one feed poll) plus a busy 2-core machine's slack, as in replicas.test.ts */
const CONVERGENCE_BOUND_MS = FEED_POLL_MS + 4000;
/** replica B gives up waiting for a worker this soon (MUSE_INGEST_WAIT_MS) */
const B_WAIT_MS = 1500;

const cluster = new Cluster({ name: 'ingest-workers', leaseMs: LEASE_MS, feedPollMs: FEED_POLL_MS, envB: { MUSE_INGEST_WAIT_MS: String(B_WAIT_MS) } });
let a: Proc, b: Proc, workers: Proc[], sql: pg.Client, key: string;

before(async () => {
  ({ a, b, workers, sql, key } = await cluster.start());
}, { timeout: START_TIMEOUT_MS + 30_000 });

after(() => cluster.stop());

const INGEST = 'mutation($f: Upload!, $tags: [String!]) { ingestAsset(file: $f, tags: $tags) { id kind sha256 tags { name } } }';
const sha256 = (file: UploadFile) => createHash('sha256').update(file.bytes).digest('hex');

function ingestOn(url: string, file: UploadFile, tags: string[] = []) {
  return gqlUpload(url, INGEST, { f: null, tags }, { 'variables.f': file }, { key });
}

async function ingest(url: string, file: UploadFile, tags: string[] = []): Promise<{ id: string; kind: string; tags: { name: string }[] }> {
  const r = await ingestOn(url, file, tags);
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.ingestAsset;
}

async function musicFor(url: string, picture: UploadFile): Promise<string[]> {
  const r = await gqlUpload(url, 'query($i: Upload!) { searchMusicByImage(image: $i, first: 100) { asset { id } } }', { i: null }, { 'variables.i': picture });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.searchMusicByImage.map((h: { asset: { id: string } }) => h.asset.id);
}

async function ingestJobsOf(file: UploadFile): Promise<{ id: string; status: string; attempts: number; result: any; lease_owner: string | null }[]> {
  const rows = await sql.query(`SELECT id, status, attempts, result, lease_owner FROM jobs WHERE type = 'INGEST_ASSET' AND input->>'sha256' = $1 ORDER BY created_at`, [sha256(file)]);
  return rows.rows;
}

const storedFiles = (file: UploadFile) => {
  const shard = `${cluster.mediaDir}/${sha256(file).slice(0, 2)}`;
  return existsSync(shard) ? readdirSync(shard).filter((n) => n.startsWith(sha256(file))) : [];
};
const workerOf = (leaseOwner: string) => workers.find((w) => String(w.child.pid) === leaseOwner.split(':')[1]);

test('an upload on A is embedded by an INGEST_ASSET job on a worker: A answers with the asset and searches it at once, B finds it within the bound', { timeout: 120_000 }, async () => {
  const song = tune(100);
  const asset = await ingest(a.url!, song, ['Calm']);
  assert.equal(asset.kind, 'AUDIO');
  assert.deepEqual(asset.tags.map((t) => t.name), ['calm']);
  const jobs = await ingestJobsOf(song);
  assert.equal(jobs.length, 1);
  assert.deepEqual([jobs[0].status, jobs[0].attempts, jobs[0].result], ['SUCCEEDED', 1, { assetId: asset.id, created: true }]);
  const query = await image(1);
  assert.ok((await musicFor(a.url!, query)).includes(asset.id), 'the replica that took the upload searches it in its answer');
  const start = performance.now();
  await until('B to find the new asset', async () => (await musicFor(b.url!, query)).includes(asset.id), CONVERGENCE_BOUND_MS);
  process.stdout.write(`# ingest on A (embedded on a worker) found on B after ${(performance.now() - start).toFixed(0)} ms\n`);

  // the same bytes through B: the same asset at once, its tags merged, no second job
  const again = await ingest(b.url!, song, ['Night']);
  assert.equal(again.id, asset.id);
  assert.deepEqual(again.tags.map((t) => t.name).sort(), ['calm', 'night']);
  assert.equal((await ingestJobsOf(song)).length, 1);
  assert.deepEqual(storedFiles(song), [`${sha256(song)}.wav`]);
});

test('a refusal on the worker reaches the client with the code the request would get in process; nothing stays stored', { timeout: 120_000 }, async () => {
  const silent: UploadFile = { bytes: wav(new Float32Array(16000 * 2), 16000), name: 'silence.wav', type: 'audio/wav' };
  const full = await image(2);
  const truncated: UploadFile = { ...full, name: 'cut.png', bytes: full.bytes.slice(0, full.bytes.length - 1) };
  for (const [file, code] of [[silent, 'AUDIO_SILENT'], [truncated, 'BAD_USER_INPUT']] as const) {
    const r = await ingestOn(a.url!, file);
    assert.equal(codeOf(r), code, JSON.stringify(r.errors));
    const [job] = await ingestJobsOf(file);
    assert.equal(job.status, 'FAILED');
    assert.deepEqual(job.result, { errorCode: code });
    assert.equal((r.errors![0].extensions as { jobId?: string }).jobId, job.id);
    assert.deepEqual(storedFiles(file), [], `${file.name}: no media file left`);
    assert.equal((await sql.query('SELECT count(*)::int AS n FROM assets WHERE sha256 = $1', [sha256(file)])).rows[0].n, 0);
  }
  // not a media format at all: refused where it arrives, before a file or a job exists
  const junk: UploadFile = { bytes: new Uint8Array(4096).fill(7), name: 'junk.bin', type: 'application/octet-stream' };
  const r = await ingestOn(a.url!, junk);
  assert.equal(codeOf(r), 'UNSUPPORTED_MEDIA', JSON.stringify(r.errors));
  assert.deepEqual(await ingestJobsOf(junk), []);
});

test('no worker free: the replicas answer at once, B gives up waiting with SERVICE_UNAVAILABLE and the job id, and the job finishes once a worker is back', { timeout: 120_000 }, async () => {
  for (const w of workers) w.child.kill('SIGSTOP');
  let resumed = false;
  try {
    const picture = await image(60);
    const start = performance.now();
    const r = await ingestOn(b.url!, picture);
    const waited = performance.now() - start;
    assert.equal(codeOf(r), 'SERVICE_UNAVAILABLE', JSON.stringify(r.errors));
    const jobId = (r.errors![0].extensions as { jobId?: string }).jobId!;
    assert.ok(jobId, 'the answer names the job');
    assert.ok(waited >= B_WAIT_MS && waited < B_WAIT_MS + 5000, `B answered after ${waited.toFixed(0)} ms`);
    // the replicas embed no uploads: health and searches answer while every worker is stuck
    for (const replica of [a, b]) {
      const t = performance.now();
      assert.ok((await fetch(`${replica.url}/healthz`)).ok);
      assert.ok(performance.now() - t < 1000, `${replica.name} /healthz took ${(performance.now() - t).toFixed(0)} ms`);
    }
    assert.ok((await musicFor(a.url!, await image(1))).length > 0);
    assert.deepEqual(storedFiles(picture), [`${sha256(picture)}.png`], 'the upload waits in the media store');

    for (const w of workers) w.child.kill('SIGCONT');
    resumed = true;
    const job = await pollJob(a.url!, jobId, 60_000);
    assert.equal(job.status, 'SUCCEEDED', JSON.stringify(job));
    // sending the same upload again gives the asset the job made
    const again = await ingest(b.url!, picture);
    assert.equal(again.id, job.result.assetId);
  } finally {
    if (!resumed) for (const w of workers) w.child.kill('SIGCONT');
  }
});

test('npm run ingest with a job queue hands the files to the workers, several at once', { timeout: 180_000 }, async () => {
  const folder = tempDir('muse-ingest-cli-');
  const dataDir = tempDir('muse-ingest-cli-data-');
  try {
    const files = [await image(70), await image(71), tune(72), tune(73), { bytes: new Uint8Array(64).fill(1), name: 'junk.wav', type: 'audio/wav' }];
    for (const f of files) writeFileSync(join(folder, f.name), f.bytes);
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'apps/api/src/cli/ingest.ts'), '--dir', folder, '--concurrency', '3'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...testEnv(dataDir, { DATABASE_URL: cluster.database!.url, REDIS_URL: cluster.redisUrl, MUSE_QUEUE_NAME: cluster.queueName, MUSE_MEDIA_DIR: cluster.mediaDir, MUSE_JOB_LEASE_MS: String(LEASE_MS) }),
      } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout!.resume();
    const code = await new Promise((resolve) => child.once('close', resolve));
    assert.equal(code, 0, stderr);
    assert.match(stderr, /ingested 5 files: 4 new, 0 already present, 1 failed/);
    assert.match(stderr, /UNSUPPORTED_MEDIA .*junk\.wav/);
    for (const f of files.slice(0, 4)) {
      const jobs = await ingestJobsOf(f);
      assert.deepEqual(jobs.map((j) => [j.status, j.attempts]), [['SUCCEEDED', 1]], f.name);
    }
    const ids = (await sql.query(`SELECT id FROM assets WHERE title IN ('tune-72', 'tune-73')`)).rows.map((r) => r.id);
    assert.equal(ids.length, 2);
    await until('B to find both tunes', async () => {
      const found = await musicFor(b.url!, await image(1));
      return ids.every((id) => found.includes(id));
    }, CONVERGENCE_BOUND_MS);
  } finally {
    removeDir(folder);
    removeDir(dataDir);
  }
});

test('a worker killed (SIGKILL) mid-ingest: the other worker finishes the job once, and the client gets the asset', { timeout: 180_000 }, async () => {
  const [first, second] = workers;
  second.child.kill('SIGSTOP'); // so that the first one takes the job
  let resumed = false;
  try {
    const long = tune(400, 300); // five minutes of audio: long enough to catch its embedding under way
    const answer = ingestOn(a.url!, long, ['long']);
    const running = await until('the ingest job to run on worker-1', async () => {
      const [job] = await ingestJobsOf(long);
      return job?.status === 'RUNNING' && job.lease_owner ? job : undefined;
    }, 60_000);
    assert.equal(workerOf(running.lease_owner!), first, `the job runs on ${running.lease_owner}`);
    const killedAt = performance.now();
    await killAndWait(first.child);
    second.child.kill('SIGCONT');
    resumed = true;

    const r = await answer;
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.ok(performance.now() - killedAt >= LEASE_MS - 500, 'taken over only once the lease ran out');
    const jobs = await ingestJobsOf(long);
    assert.equal(jobs.length, 1);
    assert.deepEqual([jobs[0].status, jobs[0].attempts], ['SUCCEEDED', 2], 'the killed run and the one that finished');
    const id = r.data.ingestAsset.id;
    const rows = await sql.query('SELECT (SELECT count(*)::int FROM assets WHERE sha256 = $1) AS assets, (SELECT count(*)::int FROM embeddings WHERE asset_id = $2) AS vectors', [sha256(long), id]);
    assert.deepEqual(rows.rows[0], { assets: 1, vectors: 1 }, 'one asset, embedded once');
    assert.deepEqual(storedFiles(long), [`${sha256(long)}.wav`]);
    await until('B to find the asset', async () => (await musicFor(b.url!, await image(1))).includes(id), CONVERGENCE_BOUND_MS);
    assert.ok(second.child.exitCode === null, 'the other worker still runs');
  } finally {
    if (!resumed) second.child.kill('SIGCONT');
  }
});
