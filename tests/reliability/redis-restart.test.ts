// Redis restarted empty under two API replicas and two workers (issue 23, item 7: "when Redis
// restarts empty a job stays RUNNING forever"; item 9: "Redis restarted empty, jobs failed or
// re-queued, never stuck"), as real processes on loopback: two API replicas that only enqueue
// (MUSE_RUN_JOBS=false) and two `npm run worker` processes on one fresh PostgreSQL database, one
// shared media folder and a redis-server of this test's own that keeps nothing on disk. The job rows
// in PostgreSQL are the truth: a QUEUED job whose queue entry vanished is delivered again by the
// recovery sweep, a RUNNING one goes on under its owner's lease, and a job asked for while Redis is
// gone is FAILED with the reason at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { codeOf, gql, gqlUpload, image, pollJob, tune, type UploadFile } from '../api/harness.js';
import type { Proc } from '../api/processes.js';
import { killAndWait, startRedis } from '../api/redis-server.js';
import { Cluster, START_TIMEOUT_MS, until } from './cluster.js';

/** long enough that a worker frozen for a few seconds (SIGSTOP) keeps its job */
const LEASE_MS = 8000;
/** a QUEUED job is re-delivered once older than one lease, by a sweep every half lease; plus a busy 2-core machine's slack */
const RECOVERY_BOUND_MS = LEASE_MS * 1.5 + 15_000;

const cluster = new Cluster({ name: 'redis-restart', leaseMs: LEASE_MS });
let a: Proc, b: Proc, workers: Proc[], sql: pg.Client, key: string;

before(async () => {
  ({ a, b, workers, sql, key } = await cluster.start());
}, { timeout: START_TIMEOUT_MS + 30_000 });

after(() => cluster.stop());

const INGEST = 'mutation($f: Upload!) { ingestAsset(file: $f) { id } }';
const TAG = 'mutation($ids: [ID!]) { tagAssets(assetIds: $ids) { id status } }';
const sha256 = (file: UploadFile) => createHash('sha256').update(file.bytes).digest('hex');

interface Row {
  id: string;
  type: string;
  status: string;
  attempts: number;
  error: string | null;
  lease_owner: string | null;
}
const jobRows = async (ids: string[]): Promise<Row[]> =>
  (await sql.query('SELECT id, type, status, attempts, error, lease_owner FROM jobs WHERE id = ANY($1) ORDER BY created_at', [ids])).rows;

test('Redis restarted empty: queued jobs are delivered again and run once, a running one finishes, one asked for meanwhile is FAILED with the reason; none is left QUEUED or RUNNING', { timeout: 300_000 }, async () => {
  const assetIds: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await gqlUpload((i % 2 ? b : a).url!, INGEST, { f: null }, { 'variables.f': await image(80 + i) }, { key });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assetIds.push(r.data.ingestAsset.id);
  }
  const [first, second] = workers;
  second.child.kill('SIGSTOP'); // so that the first one takes the long ingest
  let resumed = false;
  try {
    // an upload whose INGEST_ASSET job is RUNNING on worker-1 when Redis goes; worker-1 is then frozen too,
    // so that the tagging jobs below stay QUEUED, their entries only in Redis
    const long = tune(500, 300);
    const upload = gqlUpload(a.url!, INGEST, { f: null }, { 'variables.f': long }, { key });
    const running = await until('the long ingest to run on worker-1', async () => {
      const row = (await sql.query(`SELECT id, status, lease_owner FROM jobs WHERE type = 'INGEST_ASSET' AND input->>'sha256' = $1`, [sha256(long)])).rows[0];
      return row?.status === 'RUNNING' && row.lease_owner ? row : undefined;
    }, 60_000);
    first.child.kill('SIGSTOP');
    assert.equal(running.lease_owner.split(':')[1], String(first.child.pid), `the ingest runs on ${running.lease_owner}`);

    const queued: string[] = [];
    for (const replica of [a, b, a, b]) {
      const r = await gql(replica.url!, TAG, { ids: assetIds }, { key });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      queued.push(r.data.tagAssets.id);
    }
    assert.deepEqual((await jobRows(queued)).map((j) => j.status), ['QUEUED', 'QUEUED', 'QUEUED', 'QUEUED']);

    // Redis dies: a job asked for now is refused at once and its row says why
    await killAndWait(cluster.redis!);
    const refusedAt = performance.now();
    const refused = await gql(b.url!, TAG, { ids: assetIds }, { key });
    const refusedMs = performance.now() - refusedAt;
    assert.equal(codeOf(refused), 'SERVICE_UNAVAILABLE', JSON.stringify(refused));
    assert.ok(refusedMs < 8000, `refused after ${refusedMs.toFixed(0)} ms`);
    const failedId = (refused.errors![0].extensions as { jobId?: string }).jobId!;
    const [failed] = await jobRows([failedId]);
    assert.equal(failed.status, 'FAILED');
    assert.match(failed.error ?? '', /the job queue is unavailable/);

    // and comes back empty (no persistence): every queue entry is gone
    cluster.redis = await startRedis(cluster.redisPort);
    for (const w of workers) w.child.kill('SIGCONT');
    resumed = true;
    const restartedAt = performance.now();

    const answer = await upload;
    assert.equal(answer.errors, undefined, `the upload waiting across the restart gets its asset: ${JSON.stringify(answer.errors)}`);
    await until('every job to finish', async () => (await jobRows([...queued, running.id])).every((j) => !['QUEUED', 'RUNNING'].includes(j.status)), RECOVERY_BOUND_MS);
    process.stdout.write(`# queued jobs finished ${(performance.now() - restartedAt).toFixed(0)} ms after Redis came back empty\n`);
    const rows = await jobRows([...queued, running.id]);
    for (const row of rows) {
      assert.equal(row.status, 'SUCCEEDED', JSON.stringify(row));
      assert.equal(row.attempts, 1, `${row.type} ${row.id} ran once: ${JSON.stringify(row)}`);
    }
    const ingested = await sql.query('SELECT count(*)::int AS n FROM assets WHERE sha256 = $1', [sha256(long)]);
    assert.equal(ingested.rows[0].n, 1);

    // the replicas and workers use the new Redis without a restart
    const later = await gql(b.url!, TAG, { ids: assetIds }, { key });
    assert.equal(later.errors, undefined, JSON.stringify(later.errors));
    assert.equal((await pollJob(a.url!, later.data.tagAssets.id, 60_000)).status, 'SUCCEEDED');
    const fresh = await gqlUpload(b.url!, INGEST, { f: null }, { 'variables.f': await image(90) }, { key });
    assert.equal(fresh.errors, undefined, JSON.stringify(fresh.errors));

    const stuck = await sql.query(`SELECT id, type, status FROM jobs WHERE status IN ('QUEUED', 'RUNNING')`);
    assert.deepEqual(stuck.rows, [], 'no job is left QUEUED or RUNNING');
    for (const w of workers) assert.equal(w.child.exitCode, null, `${w.name} still runs`);
  } finally {
    if (!resumed) for (const w of workers) w.child.kill('SIGCONT');
  }
});
