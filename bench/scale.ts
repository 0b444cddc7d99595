// `npm run bench -- scale [--sizes 10000,100000] [--queries 200] [--workers 1,2,4] [--ingest-assets 200] [--ingest-clients 8]`
// How the service grows (issue 23).
// Search: for each size, a fresh PostgreSQL database holding that many assets (half images, half audio) with
// their MuVis vectors, an API process started on it (it builds its HNSW indexes from the database at start), then
// over HTTP: `similar` (index search + hydration, no embedding) and `searchMusicByImage` with an uploaded PNG
// (embedding + index search + hydration), p50/p99 each, the start time and the API's RSS. The vectors are
// synthetic (unit vectors around 500 cluster centres in 128 dimensions, like a corpus of many styles): embedding
// 100,000 real media files would take hours here, and search cost does not depend on what the vectors came from.
// Ingest: for each worker count, a fresh database, a redis-server of the bench's own, one API replica that only
// enqueues (MUSE_RUN_JOBS=false) and that many `npm run worker` processes; `--ingest-clients` clients upload
// `--ingest-assets` distinct generated files (half 96x96 PNG pictures, half 3 s WAV tunes) through ingestAsset,
// each answered once a worker has embedded it (INGEST_ASSET jobs); assets/s over the whole batch, after a
// warm-up, and the ratio to one worker. Writes bench/results/scale.json; drops each database afterwards.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createRng } from '@muse/immute';
import { ensurePrismaClient } from '../apps/api/scripts/ensure-client.mjs';
import { gql, gqlUpload, image, tune, type UploadFile } from '../tests/api/client.js';
import { Processes, removeDir, rssMiB, tempDir } from '../tests/api/processes.js';
import { freePort, killAndWait, startRedis } from '../tests/api/redis-server.js';

ensurePrismaClient();
const { loadConfig } = await import('../apps/api/src/config/config.js');
const { createLogger } = await import('../apps/api/src/logger.js');
const { openStorage } = await import('../apps/api/src/core.js');
const { encodeVector } = await import('../apps/api/src/repositories/vector-codec.util.js');

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SIZES = (arg('sizes') ?? '10000,100000').split(',').map(Number);
const QUERIES = Number(arg('queries') ?? 200);
const WORKERS = (arg('workers') ?? '1,2,4').split(',').map(Number);
const INGEST_ASSETS = Number(arg('ingest-assets') ?? 200);
const INGEST_CLIENTS = Number(arg('ingest-clients') ?? 8);
/** uploads before the clock starts: every worker's first jobs (lazy allocations, cold caches) */
const INGEST_WARMUP = 8;
const PG_ADMIN_URL = process.env.MUSE_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const MODEL = process.env.MUSE_MODEL || readFileSync(join(ROOT, 'models/default'), 'utf8').trim();
const CLUSTERS = 500;
const BATCH = 2000;

function log(msg: string) {
  process.stderr.write(`[bench scale] ${msg}\n`);
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
}
const summary = (values: number[]) => ({ n: values.length, p50Ms: round(percentile(values, 50)), p99Ms: round(percentile(values, 99)) });

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** unit vectors around CLUSTERS random centres: a corpus of many styles rather than uniform noise */
function vectorMaker(dim: number, seed: number): () => Float32Array {
  const r = createRng(seed).next;
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const unit = (v: Float32Array) => {
    let n = 0;
    for (const x of v) n += x * x;
    n = Math.sqrt(n);
    for (let i = 0; i < v.length; i++) v[i] /= n;
    return v;
  };
  const centres = Array.from({ length: CLUSTERS }, () => unit(Float32Array.from({ length: dim }, gauss)));
  return () => {
    const c = centres[Math.floor(r() * CLUSTERS)];
    return unit(Float32Array.from(c, (x) => x + (0.5 * gauss()) / Math.sqrt(dim)));
  };
}

/** Inserts `count` assets with one vector each, in batches (unnest: one statement per batch). */
async function seed(url: string, count: number, bundle: { name: string; version: string; dim: number }): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const next = vectorMaker(bundle.dim, count);
  const ids: string[] = [];
  try {
    for (let start = 0; start < count; start += BATCH) {
      const n = Math.min(BATCH, count - start);
      const batch = Array.from({ length: n }, (_, i) => {
        const kind = (start + i) % 2 === 0 ? 'IMAGE' : 'AUDIO';
        return { id: randomUUID(), kind, sha256: randomBytes(32).toString('hex'), vector: Buffer.from(encodeVector(next())) };
      });
      await c.query('BEGIN');
      await c.query(
        `INSERT INTO assets (id, kind, sha256, mime, ext, bytes, source, title)
         SELECT id, kind::"AssetKind", sha, CASE WHEN kind = 'IMAGE' THEN 'image/png' ELSE 'audio/wav' END,
                CASE WHEN kind = 'IMAGE' THEN 'png' ELSE 'wav' END, 1000, 'UPLOAD'::"AssetSource", 'synthetic ' || sha
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, kind, sha)`,
        [batch.map((b) => b.id), batch.map((b) => b.kind), batch.map((b) => b.sha256)],
      );
      await c.query(
        `INSERT INTO embeddings (asset_id, bundle, bundle_version, modality, dim, vector)
         SELECT id, $1, $2, kind::"AssetKind", $3, vector FROM unnest($4::uuid[], $5::text[], $6::bytea[]) AS t(id, kind, vector)`,
        [bundle.name, bundle.version, bundle.dim, batch.map((b) => b.id), batch.map((b) => b.kind), batch.map((b) => b.vector)],
      );
      await c.query('COMMIT');
      ids.push(...batch.map((b) => b.id));
      if ((start / BATCH) % 10 === 0) log(`  seeded ${start + n} of ${count}`);
    }
  } finally {
    await c.end();
  }
  return ids;
}

async function measure(size: number) {
  const dbName = `muse_bench_scale_${randomBytes(6).toString('hex')}`;
  const dbUrl = Object.assign(new URL(PG_ADMIN_URL), { pathname: `/${dbName}` }).toString();
  const processes = new Processes(30 * 60_000);
  const setupDir = tempDir('muse-scale-setup-');
  await admin(`CREATE DATABASE ${dbName}`);
  try {
    const storage = await openStorage(loadConfig({ HOST: '127.0.0.1', DATA_DIR: setupDir, MUSE_MODEL: MODEL, DATABASE_URL: dbUrl, LOG_LEVEL: 'silent' }), createLogger('silent'));
    await storage.db.close();
    const manifest = JSON.parse(readFileSync(join(ROOT, 'models', MODEL, 'manifest.json'), 'utf8')) as { name: string; version: string; embeddingDim: number };
    const seedStart = performance.now();
    const ids = await seed(dbUrl, size, { name: manifest.name, version: manifest.version, dim: manifest.embeddingDim });
    const seedSeconds = (performance.now() - seedStart) / 1000;
    log(`${size}: seeded in ${seedSeconds.toFixed(1)} s; starting the API (it builds its indexes from the database)`);

    const startAt = performance.now();
    const api = await processes.start('api', 'api', { ...process.env, HOST: '127.0.0.1', PORT: '0', MUSE_MODEL: MODEL, DATABASE_URL: dbUrl, LOG_LEVEL: 'warn' }, tempDir('muse-scale-api-'));
    const startSeconds = (performance.now() - startAt) / 1000;
    log(`${size}: API ready in ${startSeconds.toFixed(1)} s`);

    const rng = createRng(size + 1).next;
    const similar: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const id = ids[Math.floor(rng() * ids.length)];
      const t = performance.now();
      const r = await gql(api.url!, 'query($id: ID!, $k: AssetKind!) { similar(assetId: $id, kind: $k, first: 10) { score asset { id title url } } }', { id, k: i % 2 ? 'IMAGE' : 'AUDIO' });
      similar.push(performance.now() - t);
      if (r.errors || r.data?.similar?.length !== 10) throw new Error(`similar: ${JSON.stringify(r).slice(0, 300)}`);
    }
    const pictures = await Promise.all(Array.from({ length: 20 }, (_, i) => image(900_000 + i)));
    const byImage: number[] = [];
    for (let i = 0; i < QUERIES / 2; i++) {
      const t = performance.now();
      const r = await gqlUpload(api.url!, 'query($i: Upload!) { searchMusicByImage(image: $i, first: 10) { score asset { id title url } } }', { i: null }, { 'variables.i': pictures[i % pictures.length] });
      byImage.push(performance.now() - t);
      if (r.errors || r.data?.searchMusicByImage?.length !== 10) throw new Error(`searchMusicByImage: ${JSON.stringify(r).slice(0, 300)}`);
    }
    const rss = rssMiB(api.child.pid);
    log(`${size}: similar p50 ${percentile(similar, 50).toFixed(1)} ms p99 ${percentile(similar, 99).toFixed(1)} ms; searchMusicByImage p50 ${percentile(byImage, 50).toFixed(1)} ms p99 ${percentile(byImage, 99).toFixed(1)} ms; RSS ${rss} MiB`);
    return { assets: size, seedSeconds: round(seedSeconds), apiStartSeconds: round(startSeconds), similar: summary(similar), searchMusicByImage: summary(byImage), apiRssMiB: rss };
  } finally {
    await processes.stopAll();
    removeDir(setupDir);
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((e) => log(`could not drop ${dbName}: ${e}`));
  }
}

/** Uploads `files` through ingestAsset with `clients` at once; every answer must be an asset. */
async function uploadAll(url: string, key: string, files: UploadFile[], clients: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < files.length) {
      const file = files[next++];
      const r = await gqlUpload(url, 'mutation($f: Upload!) { ingestAsset(file: $f) { id } }', { f: null }, { 'variables.f': file }, { key });
      if (r.errors || !r.data?.ingestAsset?.id) throw new Error(`ingestAsset: ${JSON.stringify(r).slice(0, 300)}`);
    }
  }));
}

async function measureIngest(workers: number) {
  const dbName = `muse_bench_scale_${randomBytes(6).toString('hex')}`;
  const dbUrl = Object.assign(new URL(PG_ADMIN_URL), { pathname: `/${dbName}` }).toString();
  const processes = new Processes(10 * 60_000);
  const setupDir = tempDir('muse-scale-setup-');
  const mediaDir = tempDir('muse-scale-media-');
  const redisPort = await freePort();
  const redis = await startRedis(redisPort);
  await admin(`CREATE DATABASE ${dbName}`);
  try {
    const storage = await openStorage(loadConfig({ HOST: '127.0.0.1', DATA_DIR: setupDir, MUSE_MODEL: MODEL, DATABASE_URL: dbUrl, LOG_LEVEL: 'silent' }), createLogger('silent'));
    const key = (await storage.auth.createKey('bench scale', ['read', 'write'])).key;
    await storage.db.close();
    const env = { ...process.env, HOST: '127.0.0.1', PORT: '0', MUSE_MODEL: MODEL, DATABASE_URL: dbUrl, REDIS_URL: `redis://127.0.0.1:${redisPort}`, MUSE_MEDIA_DIR: mediaDir, LOG_LEVEL: 'warn' };
    const [api] = await Promise.all([
      processes.start('api', 'api', { ...env, MUSE_RUN_JOBS: 'false' }, tempDir('muse-scale-api-')),
      ...Array.from({ length: workers }, (_, i) => processes.start(`worker-${i + 1}`, 'worker', env, tempDir('muse-scale-worker-'))),
    ]);
    // distinct bytes per run and per file: nothing is merged into an earlier asset
    const base = 500_000 + workers * 10_000;
    const files = await Promise.all(Array.from({ length: INGEST_WARMUP + INGEST_ASSETS }, async (_, i) => (i % 2 ? tune(base + i) : image(base + i))));
    await uploadAll(api.url!, key, files.slice(0, INGEST_WARMUP), INGEST_CLIENTS);
    const load = loadavg()[0];
    const start = performance.now();
    await uploadAll(api.url!, key, files.slice(INGEST_WARMUP), INGEST_CLIENTS);
    const seconds = (performance.now() - start) / 1000;
    const assetsPerSecond = INGEST_ASSETS / seconds;
    log(`ingest with ${workers} worker(s): ${INGEST_ASSETS} assets in ${seconds.toFixed(1)} s = ${assetsPerSecond.toFixed(1)} assets/s (load average ${load.toFixed(2)} before)`);
    return { workers, assets: INGEST_ASSETS, seconds: round(seconds, 2), assetsPerSecond: round(assetsPerSecond, 2), loadAverageBefore: round(load, 2) };
  } finally {
    await processes.stopAll();
    await killAndWait(redis);
    removeDir(setupDir);
    removeDir(mediaDir);
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((e) => log(`could not drop ${dbName}: ${e}`));
  }
}

const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), loadAverageAtStart: loadavg().map((x) => round(x, 2)), node: process.version };
const runs = [];
for (const size of SIZES) runs.push(await measure(size));
const ingestRuns = [];
for (const workers of WORKERS) ingestRuns.push(await measureIngest(workers));
const oneWorker = ingestRuns.find((r) => r.workers === 1);
const ingest = ingestRuns.map((r) => ({ ...r, ratioToOneWorker: oneWorker ? round(r.assetsPerSecond / oneWorker.assetsPerSecond, 2) : null }));
const [first, last] = [runs[0], runs[runs.length - 1]];
const result = {
  benchmark: 'scale',
  date: new Date().toISOString(),
  machine,
  settings: {
    model: MODEL,
    database: 'PostgreSQL, a fresh database per size (dropped afterwards); one API process on loopback',
    vectors: `synthetic unit vectors around ${CLUSTERS} cluster centres, half IMAGE half AUDIO`,
    queries: `${QUERIES} similar (random stored assets, the other modality), ${QUERIES / 2} searchMusicByImage (20 generated 96x96 PNG pictures)`,
    ingest: `per worker count: a fresh database, one API replica with MUSE_RUN_JOBS=false, N workers, own redis-server, shared media folder; ${INGEST_CLIENTS} clients upload ${INGEST_ASSETS} distinct files (half 96x96 PNG, half 3 s 16 kHz WAV) after ${INGEST_WARMUP} warm-up uploads; each ingestAsset answers once a worker embedded it`,
  },
  runs,
  ingest,
  growth: runs.length > 1 ? {
    assets: last.assets / first.assets,
    similarP50: round(last.similar.p50Ms / first.similar.p50Ms, 2),
    similarP99: round(last.similar.p99Ms / first.similar.p99Ms, 2),
    searchMusicByImageP50: round(last.searchMusicByImage.p50Ms / first.searchMusicByImage.p50Ms, 2),
    apiStart: round(last.apiStartSeconds / first.apiStartSeconds, 2),
  } : null,
};
const out = join(ROOT, 'bench/results/scale.json');
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(`${out}.tmp`, JSON.stringify(result, null, 2) + '\n');
renameSync(`${out}.tmp`, out);
console.log(JSON.stringify(result, null, 2));
process.exit(0);
