// `npm run bench -- load [--seconds 60] [--clients 8] [--seed 40]`
// Sustained mixed load on the multi-instance mode (issue 23): a fresh PostgreSQL database, one Redis
// queue, one shared media folder, two API replicas (MUSE_RUN_JOBS=false) and two `npm run worker`
// processes, each a real process on loopback with its own DATA_DIR. After a seed set (generated
// PNG pictures and short WAV tunes) is ingested, N clients run for the duration, each request going
// to the next replica in turn: searches by an uploaded image and by uploaded audio, `similar`,
// asset listing, ingest of new small files, and now and then a tagAssets job (finished by a worker).
// Records requests, errors (must be 0; each is listed), p50/p99 per operation kind and overall,
// requests/s, and every process's RSS (VmRSS) before and after. Writes bench/results/load.json.
// The database, queue, media and data folders are removed at the end, also on error.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Queue } from 'bullmq';
import { createRng } from '@muse/immute';
import { gql, gqlUpload, image, tune, type GqlResult } from '../tests/api/client.js';
import { Processes, removeDir, rssMiB, tempDir as makeTempDir } from '../tests/api/processes.js';
import { ensurePrismaClient } from '../apps/api/scripts/ensure-client.mjs';

ensurePrismaClient();
const { loadConfig } = await import('../apps/api/src/config/config.js');
const { createLogger } = await import('../apps/api/src/logger.js');
const { openStorage } = await import('../apps/api/src/core.js');

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SECONDS = Number(arg('seconds') ?? 60);
const CLIENTS = Number(arg('clients') ?? 8);
const SEED_PAIRS = Number(arg('seed') ?? 40);
/** one tagAssets job every this many requests (across all clients) */
const TAG_EVERY = 50;
const PG_ADMIN_URL = process.env.MUSE_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.MUSE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const MODEL = process.env.MUSE_MODEL || readFileSync(join(ROOT, 'models/default'), 'utf8').trim();
const START_TIMEOUT_MS = 180_000;

function log(msg: string) {
  process.stderr.write(`[bench load] ${msg}\n`);
}

const processes = new Processes(START_TIMEOUT_MS);
const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const d = makeTempDir(prefix);
  dirs.push(d);
  return d;
};
const startProcess = (name: string, cli: 'api' | 'worker', env: Record<string, string>) =>
  processes.start(name, cli, { ...process.env, ...env }, tempDir(`muse-load-${name}-`));

// ---- measuring ----

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
function summary(values: number[]) {
  return { n: values.length, p50Ms: round(percentile(values, 50)), p99Ms: round(percentile(values, 99)), meanMs: round(values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)) };
}

type Kind = 'searchMusicByImage' | 'searchImagesByAudio' | 'similar' | 'assets' | 'ingestImage' | 'ingestAudio' | 'tagAssets';
const KINDS: Kind[] = ['searchMusicByImage', 'searchImagesByAudio', 'similar', 'assets', 'ingestImage', 'ingestAudio', 'tagAssets'];
/** the mix for everything but tagAssets (which runs every TAG_EVERY-th request): weights */
const MIX: [Kind, number][] = [
  ['searchMusicByImage', 3],
  ['searchImagesByAudio', 3],
  ['similar', 3],
  ['assets', 2],
  ['ingestImage', 1],
  ['ingestAudio', 1],
];

// ---- the run ----

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  loadAverageAtStart: loadavg().map((x) => round(x, 2)),
  node: process.version,
};
const dbName = `muse_bench_load_${randomBytes(6).toString('hex')}`;
const dbUrl = (() => {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${dbName}`;
  return u.toString();
})();
const queueName = `muse-bench-load-${randomBytes(4).toString('hex')}`;
let dbCreated = false;
let exitCode = 0;

async function admin(sqlText: string) {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    await c.query(sqlText);
  } finally {
    await c.end();
  }
}

async function cleanup() {
  const exits = await processes.stopAll();
  const q = new Queue(queueName, { connection: { url: REDIS_URL } as never });
  await q.obliterate({ force: true }).catch(() => undefined);
  await q.close().catch(() => undefined);
  if (dbCreated) await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((e) => log(`could not drop ${dbName}: ${e}`));
  for (const d of dirs) removeDir(d);
  return exits;
}

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    interrupted = true;
    log(`${sig}: stopping`);
  });
}

try {
  await admin(`CREATE DATABASE ${dbName}`);
  dbCreated = true;
  const mediaDir = tempDir('muse-load-media-');
  // migrate and make a key once, before the processes start
  const setupDir = tempDir('muse-load-setup-');
  const setupConfig = loadConfig({ HOST: '127.0.0.1', DATA_DIR: setupDir, MUSE_MODEL: MODEL, DATABASE_URL: dbUrl, LOG_LEVEL: 'silent' });
  const storage = await openStorage(setupConfig, createLogger('silent'));
  const key = (await storage.auth.createKey('bench load', ['read', 'write'])).key;
  await storage.db.close();

  const env = {
    HOST: '127.0.0.1',
    PORT: '0',
    MUSE_MODEL: MODEL,
    DATABASE_URL: dbUrl,
    REDIS_URL,
    MUSE_QUEUE_NAME: queueName,
    MUSE_MEDIA_DIR: mediaDir,
    LOG_LEVEL: process.env.MUSE_BENCH_LOG_LEVEL ?? 'warn',
  };
  log(`starting 2 API replicas and 2 workers on database ${dbName}, queue ${queueName}`);
  const t0 = performance.now();
  const [a, b, w1, w2] = await Promise.all([
    startProcess('api-a', 'api', { ...env, MUSE_RUN_JOBS: 'false' }),
    startProcess('api-b', 'api', { ...env, MUSE_RUN_JOBS: 'false' }),
    startProcess('worker-1', 'worker', env),
    startProcess('worker-2', 'worker', env),
  ]);
  const replicas = [a, b];
  log(`all four ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // seed: SEED_PAIRS pictures and SEED_PAIRS tunes, alternating replicas
  const seedStart = performance.now();
  const imageIds: string[] = [];
  const audioIds: string[] = [];
  const INGEST = 'mutation($f: Upload!) { ingestAsset(file: $f, tags: ["seed"]) { id kind } }';
  for (let i = 0; i < SEED_PAIRS; i++) {
    for (const file of [await image(i), tune(i)]) {
      const r = await gqlUpload(replicas[i % 2].url!, INGEST, { f: null }, { 'variables.f': file }, { key });
      if (r.errors || !r.data) throw new Error(`seed ingest failed: ${JSON.stringify(r).slice(0, 400)}`);
      (r.data.ingestAsset.kind === 'IMAGE' ? imageIds : audioIds).push(r.data.ingestAsset.id);
    }
  }
  const seedSeconds = (performance.now() - seedStart) / 1000;
  log(`seeded ${imageIds.length} images + ${audioIds.length} tunes in ${seedSeconds.toFixed(1)} s`);
  // let the other replica's index catch up through the feed before measuring
  await new Promise((resolve) => setTimeout(resolve, 2000));

  const queryPictures = await Promise.all(Array.from({ length: 20 }, (_, i) => image(500_000 + i)));
  const queryTunes = Array.from({ length: 20 }, (_, i) => tune(500_000 + i));

  const rssBefore = Object.fromEntries(processes.all.map((p) => [p.name, rssMiB(p.child.pid)]));
  log(`RSS before (MiB): ${JSON.stringify(rssBefore)}`);

  const latencies: Record<Kind, number[]> = Object.fromEntries(KINDS.map((k) => [k, []])) as unknown as Record<Kind, number[]>;
  const requestsPerReplica: Record<string, number> = { 'api-a': 0, 'api-b': 0 };
  const errors: { kind: Kind; replica: string; atS: number; error: string }[] = [];
  const jobIds: string[] = [];
  let requestCounter = 0;
  let freshSeed = 1_000_000;
  const totalWeight = MIX.reduce((s, [, w]) => s + w, 0);
  const rng = createRng(20261204).next;

  const checkHits = (r: GqlResult, field: string, want: number) => {
    if (r.errors) throw new Error(JSON.stringify(r.errors).slice(0, 300));
    const hits = r.data?.[field];
    if (!Array.isArray(hits) || hits.length !== want) throw new Error(`${field}: ${Array.isArray(hits) ? hits.length : 'no'} hits, wanted ${want}`);
  };

  async function operation(kind: Kind, url: string): Promise<void> {
    switch (kind) {
      case 'searchMusicByImage': {
        const r = await gqlUpload(url, 'query($i: Upload!) { searchMusicByImage(image: $i, first: 10) { score asset { id title url tags { name } } } }', { i: null }, { 'variables.i': queryPictures[Math.floor(rng() * queryPictures.length)] });
        return checkHits(r, 'searchMusicByImage', 10);
      }
      case 'searchImagesByAudio': {
        const r = await gqlUpload(url, 'query($a: Upload!) { searchImagesByAudio(audio: $a, first: 10) { score asset { id title url tags { name } } } }', { a: null }, { 'variables.a': queryTunes[Math.floor(rng() * queryTunes.length)] });
        return checkHits(r, 'searchImagesByAudio', 10);
      }
      case 'similar': {
        const fromImage = rng() < 0.5;
        const ids = fromImage ? imageIds : audioIds;
        const r = await gql(url, 'query($id: ID!, $kind: AssetKind!) { similar(assetId: $id, kind: $kind, first: 10) { score asset { id title url } } }', { id: ids[Math.floor(rng() * ids.length)], kind: fromImage ? 'AUDIO' : 'IMAGE' });
        return checkHits(r, 'similar', 10);
      }
      case 'assets': {
        const r = await gql(url, 'query { assets(first: 20) { totalCount edges { cursor node { id kind title url tags { name } } } pageInfo { hasNextPage endCursor } } }');
        if (r.errors) throw new Error(JSON.stringify(r.errors).slice(0, 300));
        if (r.data?.assets?.edges?.length !== 20) throw new Error(`assets: ${r.data?.assets?.edges?.length} edges, wanted 20`);
        return;
      }
      case 'ingestImage':
      case 'ingestAudio': {
        const seed = freshSeed++;
        const file = kind === 'ingestImage' ? await image(seed) : tune(seed, 2);
        const r = await gqlUpload(url, 'mutation($f: Upload!) { ingestAsset(file: $f, title: "load") { id kind } }', { f: null }, { 'variables.f': file }, { key });
        if (r.errors || !r.data?.ingestAsset?.id) throw new Error(JSON.stringify(r).slice(0, 300));
        return;
      }
      case 'tagAssets': {
        const ids = Array.from({ length: 4 }, () => (rng() < 0.5 ? imageIds : audioIds)[Math.floor(rng() * SEED_PAIRS)]);
        const r = await gql(url, 'mutation($ids: [ID!]) { tagAssets(assetIds: $ids) { id status } }', { ids: [...new Set(ids)] }, { key });
        if (r.errors || !r.data?.tagAssets?.id) throw new Error(JSON.stringify(r).slice(0, 300));
        jobIds.push(r.data.tagAssets.id);
        return;
      }
    }
  }

  function pick(): Kind {
    if (requestCounter % TAG_EVERY === TAG_EVERY - 1) return 'tagAssets';
    let x = rng() * totalWeight;
    for (const [k, w] of MIX) if ((x -= w) < 0) return k;
    return MIX[0][0];
  }

  log(`running ${CLIENTS} clients for ${SECONDS} s`);
  const runStart = performance.now();
  const deadline = runStart + SECONDS * 1000;
  const all: number[] = [];
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < deadline && !interrupted) {
        const kind = pick();
        const replica = replicas[requestCounter++ % 2];
        requestsPerReplica[replica.name]++;
        const t = performance.now();
        try {
          await operation(kind, replica.url!);
          const ms = performance.now() - t;
          latencies[kind].push(ms);
          all.push(ms);
        } catch (e) {
          errors.push({ kind, replica: replica.name, atS: round((t - runStart) / 1000, 2), error: String((e as Error).message ?? e).slice(0, 400) });
        }
      }
    }),
  );
  const runSeconds = (performance.now() - runStart) / 1000;
  const rssAfter = Object.fromEntries(processes.all.map((p) => [p.name, rssMiB(p.child.pid)]));
  log(`RSS after (MiB): ${JSON.stringify(rssAfter)}`);

  // the tagging jobs: each finished by a worker, once
  const sql = new pg.Client({ connectionString: dbUrl });
  await sql.connect();
  const jobDeadline = Date.now() + 120_000;
  let jobRows: { status: string; attempts: number; lease_owner: string | null }[] = [];
  for (;;) {
    jobRows = (await sql.query('SELECT status, attempts, lease_owner FROM jobs WHERE id = ANY($1)', [jobIds])).rows;
    if (jobRows.every((j) => !['QUEUED', 'RUNNING'].includes(j.status)) || Date.now() > jobDeadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const counts = (await sql.query(`SELECT kind, count(*)::int AS n FROM assets GROUP BY kind`)).rows;
  await sql.end();
  const jobStatus: Record<string, number> = {};
  for (const j of jobRows) jobStatus[j.status] = (jobStatus[j.status] ?? 0) + 1;
  const jobsNotSucceeded = jobRows.filter((j) => j.status !== 'SUCCEEDED' || j.attempts !== 1).length;
  if (jobsNotSucceeded) errors.push({ kind: 'tagAssets', replica: '-', atS: round(runSeconds, 2), error: `${jobsNotSucceeded} tagging job(s) did not succeed in one attempt: ${JSON.stringify(jobStatus)}` });

  const total = all.length + errors.filter((e) => e.replica !== '-').length;
  const exits = await cleanup();
  processes.all.length = 0;
  dbCreated = false;

  const result = {
    benchmark: 'load',
    date: new Date().toISOString(),
    machine,
    settings: {
      seconds: SECONDS,
      clients: CLIENTS,
      processes: '2 API replicas (MUSE_RUN_JOBS=false) + 2 workers (npm run worker), real processes on loopback, each its own DATA_DIR',
      database: 'PostgreSQL 15, fresh database (dropped afterwards)',
      queue: 'Redis/BullMQ, fresh queue name (obliterated afterwards)',
      media: 'one shared MUSE_MEDIA_DIR',
      model: MODEL,
      seed: `${SEED_PAIRS} generated 96x96 PNG pictures + ${SEED_PAIRS} generated 3 s 16 kHz WAV tunes, ingested over HTTP`,
      mix: `${MIX.map(([k, w]) => `${k} ${w}`).join(', ')} (weights); tagAssets (4 seed assets) every ${TAG_EVERY}th request; requests alternate between the replicas`,
      queries: '20 unseen 96x96 PNG pictures, 20 unseen 3 s WAV tunes; new ingests: 96x96 PNG or 2 s WAV',
    },
    seed: { images: imageIds.length, audio: audioIds.length, seconds: round(seedSeconds) },
    requests: total,
    errors: errors.length,
    errorList: errors,
    requestsPerSecond: round(all.length / runSeconds),
    runSeconds: round(runSeconds, 2),
    requestsPerReplica,
    latency: { overall: summary(all), ...Object.fromEntries(KINDS.map((k) => [k, summary(latencies[k])])) } as Record<'overall' | Kind, ReturnType<typeof summary>>,
    tagJobs: { enqueued: jobIds.length, status: jobStatus },
    assetsAtEnd: Object.fromEntries(counts.map((c: { kind: string; n: number }) => [c.kind, c.n])),
    rssMiB: Object.fromEntries(Object.keys(rssBefore).map((name) => [name, { before: rssBefore[name], after: rssAfter[name] }])),
    exitOnSigterm: exits,
  };
  const out = join(ROOT, 'bench/results/load.json');
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(`${out}.tmp`, JSON.stringify(result, null, 2) + '\n');
  renameSync(`${out}.tmp`, out);
  console.log(JSON.stringify(result, null, 2));
  log(`${total} requests in ${runSeconds.toFixed(1)} s (${result.requestsPerSecond}/s), ${errors.length} errors; overall p50 ${result.latency.overall.p50Ms} ms, p99 ${result.latency.overall.p99Ms} ms`);
  for (const k of KINDS) log(`  ${k.padEnd(20)} n=${String(latencies[k].length).padStart(5)}  p50 ${result.latency[k].p50Ms} ms  p99 ${result.latency[k].p99Ms} ms`);
  for (const name of Object.keys(rssBefore)) log(`  RSS ${name.padEnd(9)} ${rssBefore[name]} → ${rssAfter[name]} MiB`);
  if (errors.length) {
    for (const e of errors) log(`  ERROR ${e.kind} on ${e.replica} at ${e.atS} s: ${e.error}`);
    exitCode = 1;
  }
} catch (e) {
  log(`failed: ${(e as Error).stack ?? e}`);
  for (const p of processes.all) log(`--- ${p.name} output (tail) ---\n${p.output.join('').slice(-3000)}`);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
