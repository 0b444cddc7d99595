// `npm run bench -- search [--assets 10000] [--corpus DIR | --synthetic] [--queries 200] [--data DIR]`
// Search latency of searchMusicByImage end to end over HTTP (multipart upload → embed → HNSW →
// hydrate), of the embedding step alone and of the index search alone (p50/p99); index
// recall@10 against exact search; queries per second with 8 concurrent HTTP clients.
// The index holds real embeddings of real media: the built ImMuTe corpus when data/corpus has
// enough items, else generated corpus-shaped media (256×256 PNG pictures, 10 s 16 kHz WAV tunes).
// Writes bench/results/search.json.
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createRng, encodeWav, readCorpusManifest, MANIFEST_FILE, type ManifestEntry } from '@muse/immute';
import { ensurePrismaClient } from '../apps/api/scripts/ensure-client.mjs';

ensurePrismaClient();
const { loadConfig, createLogger, openCore } = await import('../apps/api/src/index.js');

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const TARGET_ASSETS = Number(arg('assets') ?? 10_000);
const QUERIES = Number(arg('queries') ?? 200);
const CONCURRENCY = 8;
const CONCURRENT_REQUESTS = Number(arg('concurrent-requests') ?? 400);
const K = 10;
const dataDir = arg('data') ?? join(ROOT, 'data', 'bench-search');
const corpusArg = arg('corpus') ?? join(ROOT, 'data', 'corpus');
const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn', MUSE_MODEL: process.env.MUSE_MODEL ?? '', HOST: '127.0.0.1' };

function log(msg: string) {
  process.stderr.write(`[bench search] ${msg}\n`);
}

// ---- media ----

async function picture(seed: number, size = 256): Promise<Uint8Array> {
  const r = createRng(seed).next;
  const px = Buffer.alloc(size * size * 3);
  const colours = Array.from({ length: 5 }, () => [r() * 255, r() * 255, r() * 255]);
  const blobs = Array.from({ length: 6 }, () => ({ x: r() * size, y: r() * size, rad: 20 + r() * 80, c: Math.floor(r() * 5) }));
  const angle = r() * Math.PI;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let c = colours[Math.floor(((x * Math.cos(angle) + y * Math.sin(angle)) / size) * 2.99 + 3) % 5];
      for (const b of blobs) if ((x - b.x) ** 2 + (y - b.y) ** 2 < b.rad ** 2) c = colours[b.c];
      const o = (y * size + x) * 3;
      px[o] = c[0];
      px[o + 1] = c[1];
      px[o + 2] = c[2];
    }
  }
  return new Uint8Array(await sharp(px, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer());
}

function tuneWav(seed: number, seconds = 10, rate = 16000): Uint8Array {
  const r = createRng(seed * 7919 + 3).next;
  const notes = Array.from({ length: 16 }, () => 110 * 2 ** (Math.floor(r() * 36) / 12));
  const bpmNote = Math.round((rate * seconds) / notes.length);
  const n = rate * seconds;
  const samples = new Float32Array(n);
  const bright = 0.1 + r() * 0.4;
  for (let i = 0; i < n; i++) {
    const f = notes[Math.floor(i / bpmNote)];
    const t = i / rate;
    const env = Math.exp(-((i % bpmNote) / rate) * 3);
    const s = env * (0.5 * Math.sin(2 * Math.PI * f * t) + bright * Math.sin(4 * Math.PI * f * t) + (bright / 2) * Math.sin(6 * Math.PI * f * t));
    samples[i] = s * 0.6;
  }
  return encodeWav(samples, rate);
}

// ---- seeding ----

function corpusItems(dir: string): ManifestEntry[] {
  return existsSync(join(dir, MANIFEST_FILE)) ? readCorpusManifest(dir) : [];
}

async function seed(): Promise<{ source: string; assets: number; seedSeconds: number; bundle: string }> {
  mkdirSync(dataDir, { recursive: true });
  const config = loadConfig({ ...process.env, ...env });
  const core = await openCore(config, createLogger('warn'));
  const started = performance.now();
  try {
    const items = process.argv.includes('--synthetic') ? [] : corpusItems(corpusArg);
    const useCorpus = items.length * 2 >= TARGET_ASSETS;
    const source = useCorpus
      ? `ImMuTe corpus at ${corpusArg} (${Math.ceil(TARGET_ASSETS / 2)} items: PNG images + WAV clips)`
      : `generated media: ${TARGET_ASSETS / 2} 256x256 PNG pictures + ${TARGET_ASSETS / 2} 10 s 16 kHz WAV tunes (the built corpus had ${items.length} items, too few)`;
    log(`seeding ${TARGET_ASSETS} assets from ${source} into ${dataDir}`);
    const total = async () => {
      const s = await core.services.stats.stats();
      return s.images + s.audio;
    };
    let have = await total();
    for (let i = 0; have < TARGET_ASSETS; i++) {
      if (useCorpus) {
        const item = items[i];
        if (!item) break;
        const common = { source: 'CORPUS' as const, caption: item.caption, tags: item.tags, tagOrigin: 'CORPUS' as const, pairKey: `immute:${item.index}`, corpusIndex: item.index, corpusSplit: item.split };
        for (const f of [item.files.image, item.files.audio]) {
          if (f && (await core.services.ingest.ingest(readFileSync(join(corpusArg, f)), common)).created) have++;
        }
      } else {
        if ((await core.services.ingest.ingest(await picture(i), { source: 'UPLOAD', title: `picture ${i}`, tags: [`group-${i % 20}`] })).created) have++;
        if ((await core.services.ingest.ingest(tuneWav(i), { source: 'UPLOAD', title: `tune ${i}`, tags: [`group-${i % 20}`] })).created) have++;
      }
      if (i % 250 === 0) log(`  ${have}/${TARGET_ASSETS} assets (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
    return { source, assets: await total(), seedSeconds: (performance.now() - started) / 1000, bundle: `${core.embed.bundleKey.bundle}@${core.embed.bundleKey.bundleVersion}` };
  } finally {
    await core.close();
  }
}

// ---- measuring ----

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

function summary(values: number[]) {
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { n: values.length, p50Ms: round(percentile(values, 50)), p99Ms: round(percentile(values, 99)), meanMs: round(values.reduce((a, b) => a + b, 0) / values.length) };
}

async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'apps/api/src/cli/api.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /ready at (http:\/\/\S+)\/graphql/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`API exited with ${code}`)));
  });
  return { url, child };
}

const QUERY = 'query($image: Upload!) { searchMusicByImage(image: $image, first: 10) { score asset { id title url tags { name } } } }';

async function searchOverHttp(url: string, png: Uint8Array): Promise<number> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: QUERY, variables: { image: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.image'] }));
  form.append('0', new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }), 'query.png');
  const t = performance.now();
  const res = await fetch(`${url}/graphql`, { method: 'POST', body: form, headers: { 'apollo-require-preflight': 'true' } });
  const body = (await res.json()) as { data?: { searchMusicByImage: unknown[] }; errors?: unknown };
  const ms = performance.now() - t;
  if (!body.data || body.data.searchMusicByImage.length !== K) throw new Error(`bad search response: ${JSON.stringify(body).slice(0, 300)}`);
  return ms;
}

const seeded = await seed();
log(`index holds ${seeded.assets} assets; seeding took ${seeded.seedSeconds.toFixed(0)} s`);
const queryImages = await Promise.all(Array.from({ length: QUERIES }, (_, i) => picture(1_000_000 + i)));
const queryTunes = Array.from({ length: Math.min(QUERIES, 100) }, (_, i) => tuneWav(1_000_000 + i, 10));

// 1. end to end over HTTP, one client, then 8 concurrent clients
const { url, child } = await startServer();
let endToEnd: number[] = [];
let qps = 0;
let concurrentLatencies: number[] = [];
try {
  for (let i = 0; i < 10; i++) await searchOverHttp(url, queryImages[i]); // warm-up
  for (const png of queryImages) endToEnd.push(await searchOverHttp(url, png));
  log(`end-to-end p50 ${percentile(endToEnd, 50).toFixed(1)} ms`);
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CONCURRENT_REQUESTS) {
        const i = next++;
        concurrentLatencies.push(await searchOverHttp(url, queryImages[i % queryImages.length]));
      }
    }),
  );
  qps = CONCURRENT_REQUESTS / ((performance.now() - t) / 1000);
  log(`${qps.toFixed(1)} queries/s with ${CONCURRENCY} clients`);
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

// 2. the embedding step and the index search alone, and recall against exact search
const config = loadConfig({ ...process.env, ...env });
const core = await openCore(config, createLogger('warn'));
const embedMs: number[] = [];
const indexMs: number[] = [];
const exactMs: number[] = [];
const recall: Record<string, number> = {};
const indexSizes: Record<string, number> = {};
try {
  for (const png of queryImages.slice(0, 10)) await core.embed.embedUpload(png); // warm-up
  const imageVectors: Float32Array[] = [];
  for (const png of queryImages) {
    const t = performance.now();
    const { vector } = await core.embed.embedUpload(png);
    embedMs.push(performance.now() - t);
    imageVectors.push(vector);
  }
  const audioVectors: Float32Array[] = [];
  for (const wav of queryTunes) audioVectors.push((await core.embed.embedUpload(wav)).vector);
  for (const v of imageVectors.slice(0, 10)) core.index.exactSearch('AUDIO', v, K) && core.index.search('AUDIO', v, K); // warm-up
  for (const [target, vectors] of [['AUDIO', imageVectors], ['IMAGE', audioVectors]] as const) {
    indexSizes[target] = core.index.size(target);
    let found = 0;
    for (const v of vectors) {
      let t = performance.now();
      const approx = core.index.search(target, v, K);
      if (target === 'AUDIO') indexMs.push(performance.now() - t);
      t = performance.now();
      const exact = core.index.exactSearch(target, v, K);
      if (target === 'AUDIO') exactMs.push(performance.now() - t);
      const truth = new Set(exact.map((h) => h.label));
      found += approx.filter((h) => truth.has(h.label)).length;
    }
    recall[target === 'AUDIO' ? 'musicIndexImageQueries' : 'imageIndexAudioQueries'] = Math.round((found / (vectors.length * K)) * 10000) / 10000;
  }
} finally {
  await core.close();
}

const result = {
  benchmark: 'search',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), loadAverage: loadavg().map((x) => Math.round(x * 100) / 100), node: process.version },
  bundle: seeded.bundle,
  data: { source: seeded.source, indexedAssets: seeded.assets, indexSizes, database: 'PGlite (embedded)', seedSeconds: Math.round(seeded.seedSeconds) },
  queries: { images: QUERIES, audioForRecall: queryTunes.length, k: K, queryImage: '256x256 PNG, not in the index' },
  searchMusicByImageHttp: { ...summary(endToEnd), note: 'one client, multipart upload → sniff/decode → embed → HNSW → hydrate from DB → JSON' },
  embeddingStep: { ...summary(embedMs), note: 'decode + preprocess + image tower, in process' },
  indexSearch: { ...summary(indexMs), note: 'HNSW k=10 over the music index, in process' },
  exactSearch: { ...summary(exactMs), note: 'brute-force k=10 over the same vectors, for comparison' },
  recallAt10: recall,
  concurrent: { clients: CONCURRENCY, requests: CONCURRENT_REQUESTS, queriesPerSecond: Math.round(qps * 10) / 10, ...summary(concurrentLatencies) },
};
const out = join(ROOT, 'bench/results/search.json');
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(`${out}.tmp`, JSON.stringify(result, null, 2) + '\n');
renameSync(`${out}.tmp`, out);
console.log(JSON.stringify(result, null, 2));
