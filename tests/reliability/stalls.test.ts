// Cheap requests that once stalled, bloated or outlived the service (issue 23, items 1, 2, 4, 5, 11):
// each is replayed here against a real API and must now be refused quickly, leave memory and
// health alone, or shut down cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, TEST_MODEL, codeOf, gql, gqlUpload, image, removeDir, serveTestApi, startTestApi, tempDir, testEnv, tune, wav } from '../api/harness.js';

const server = serveTestApi();
const MUSIC_BY_IMAGE = 'query($i: Upload!, $f: AssetFilter) { searchMusicByImage(image: $i, first: 5, filter: $f) { score asset { id } } }';

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work;
  return { value, ms: performance.now() - start };
}

async function healthzMs(url: string): Promise<number> {
  const { value, ms } = await timed(fetch(`${url}/healthz`));
  assert.equal(value.status, 200);
  return ms;
}

test('a filter requiring 100 tags is refused at once, and /healthz answers meanwhile', async () => {
  const tags = Array.from({ length: 100 }, (_, i) => `tag-${i}`);
  const search = timed(gqlUpload(server.url, MUSIC_BY_IMAGE, { i: null, f: { tags } }, { 'variables.i': await image(1) }));
  const health = await healthzMs(server.url);
  const { value, ms } = await search;
  assert.equal(codeOf(value), 'BAD_USER_INPUT');
  assert.match(value.errors![0].message, /at most 16 tags/);
  assert.ok(ms < 5000, `refused after ${ms} ms`);
  assert.ok(health < 1000, `/healthz took ${health} ms`);
});

test('lists and strings of any argument are bounded: 10,000 tags, a 100 KB text, a NUL byte', async () => {
  const huge = await gql(server.url, 'query($t: [String!]) { assets(filter: { tags: $t }) { totalCount } }', { t: Array.from({ length: 10_000 }, (_, i) => `t${i}`) });
  assert.equal(codeOf(huge), 'BAD_USER_INPUT');
  assert.match(huge.errors![0].message, /list of 10000 items exceeds the limit of 1000/);
  const long = await gql(server.url, 'query($t: String) { assets(filter: { text: $t }) { totalCount } }', { t: 'x'.repeat(100_000) });
  assert.equal(codeOf(long), 'BAD_USER_INPUT');
  const text = await gql(server.url, 'query($t: String) { assets(filter: { text: $t }) { totalCount } }', { t: 'y'.repeat(201) });
  assert.equal(codeOf(text), 'BAD_USER_INPUT');
  assert.match(text.errors![0].message, /at most 200 characters/);
  const nul = await gql(server.url, '{ assets(filter: { text: "a\\u0000b" }) { totalCount } }');
  assert.equal(codeOf(nul), 'BAD_USER_INPUT');
  assert.match(nul.errors![0].message, /NUL/);
});

test('% and _ in a text filter match themselves, not any characters', async () => {
  const key = await server.key(['write']);
  const ingest = 'mutation($f: Upload!, $t: String) { ingestAsset(file: $f, title: $t) { id } }';
  const titles = ['100% calm', '1000 calm', 'a_b theme', 'axb theme'];
  for (const [i, title] of titles.entries()) {
    const r = await gqlUpload(server.url, ingest, { f: null, t: title }, { 'variables.f': await image(500 + i) }, { key });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  }
  const titlesMatching = async (text: string) =>
    (await gql(server.url, 'query($t: String) { assets(filter: { text: $t }, first: 50) { edges { node { title } } } }', { t: text })).data.assets.edges.map((e: any) => e.node.title);
  assert.deepEqual(await titlesMatching('100%'), ['100% calm']);
  assert.deepEqual(await titlesMatching('a_b'), ['a_b theme']);
});

test('a WAV claiming 1,000,001 Hz is refused before any resampling; odd rates in range cost no lasting memory', async () => {
  const absurd = wav(new Float32Array(200_000).fill(0.1), 1_000_001);
  const { value, ms } = await timed(gqlUpload(server.url, 'query($a: Upload!) { searchImagesByAudio(audio: $a, first: 3) { score } }', { a: null }, { 'variables.a': { bytes: absurd, name: 'odd.wav', type: 'audio/wav' } }));
  assert.equal(codeOf(value), 'UNSUPPORTED_MEDIA');
  assert.match(value.errors![0].message, /sample rate 1000001 Hz is outside the supported 4000–192000 Hz/);
  assert.ok(ms < 2000, `refused after ${ms} ms`);

  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  // each of these once designed (and cached for good) a filter of ~100 MB
  for (const rate of [191_999, 192_001 - 2, 190_001, 188_999]) {
    const r = await gqlUpload(server.url, 'query($a: Upload!) { searchImagesByAudio(audio: $a, first: 3) { score } }', { a: null }, { 'variables.a': tune(rate % 97, 1, rate) });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  }
  globalThis.gc?.();
  const grown = (process.memoryUsage().rss - before) / 2 ** 20;
  assert.ok(grown < 150, `RSS grew ${grown.toFixed(0)} MB over four odd sample rates`);
});

test('SIGTERM drains, flushes the index, closes the database and exits 0', async () => {
  const dataDir = tempDir();
  try {
    const env = { ...process.env, ...testEnv(dataDir, { PORT: '0', MUSE_INDEX_SAVE_DELAY_MS: '600000', LOG_LEVEL: 'warn' }) } as NodeJS.ProcessEnv;
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'apps/api/src/cli/api.ts')], { cwd: REPO_ROOT, env });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the API did not start:\n${out}`)), 120_000);
      child.stdout.on('data', () => {
        const m = /ready at (http:\/\/[^\s]+)\/graphql/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    // a write key through the local admin credential the API publishes for this machine
    const admin = JSON.parse(readFileSync(join(dataDir, 'local-admin.json'), 'utf8')).token as string;
    const made = await gql(url, 'mutation { createApiKey(name: "t", scopes: ["write"]) { key } }', {}, { key: admin });
    const key = made.data.createApiKey.key as string;
    const ingested = await gqlUpload(url, 'mutation($f: Upload!) { ingestAsset(file: $f) { id } }', { f: null }, { 'variables.f': await image(9) }, { key });
    assert.equal(ingested.errors, undefined, JSON.stringify(ingested.errors));
    child.kill('SIGTERM'); // long before the debounced index save would run
    assert.equal(await exited, 0, out);
    assert.equal(existsSync(join(dataDir, 'db.lock')), false, 'the database lock is released');
    const again = await startTestApi(dataDir);
    try {
      assert.deepEqual(again.api.core.indexReport.map((r) => [r.modality, r.action, r.size]), [['IMAGE', 'loaded', 1], ['AUDIO', 'loaded', 0]]);
    } finally {
      await again.close();
    }
  } finally {
    removeDir(dataDir);
  }
});

test('what a killed ingest leaves (a media file without a row, temp files) is swept at the next start', async () => {
  const dataDir = tempDir();
  try {
    const first = await startTestApi(dataDir);
    let kept = '';
    try {
      const key = await first.key(['write']);
      const r = await gqlUpload(first.url, 'mutation($f: Upload!) { ingestAsset(file: $f) { id } }', { f: null }, { 'variables.f': await image(21) }, { key });
      kept = r.data.ingestAsset.id;
    } finally {
      await first.close();
    }
    const media = join(dataDir, 'media');
    const orphan = join(media, 'ab', `ab${'0'.repeat(62)}.png`);
    const mediaTemp = join(media, 'ab', `ab${'1'.repeat(62)}.png.0a1b2c.tmp`);
    const indexDir = join(dataDir, 'index', TEST_MODEL, readdirSync(join(dataDir, 'index', TEST_MODEL))[0]);
    const indexTemp = join(indexDir, `image.hnsw.tmp-123-456-abc`);
    mkdirSync(join(media, 'ab'), { recursive: true });
    for (const path of [orphan, mediaTemp, indexTemp]) writeFileSync(path, 'left by a process killed mid-write');
    const second = await startTestApi(dataDir);
    try {
      for (const path of [orphan, mediaTemp, indexTemp]) assert.equal(existsSync(path), false, `${path} is swept`);
      assert.equal((await fetch(`${second.url}/media/${kept}`)).status, 200, 'the real asset keeps its file');
    } finally {
      await second.close();
    }
  } finally {
    removeDir(dataDir);
  }
});

test('aliases cannot multiply work: 2,400 aliased stats and 49 maps are refused before running', async () => {
  const stats = `{ ${Array.from({ length: 2400 }, (_, i) => `s${i}: stats { images }`).join(' ')} }`;
  const { value, ms } = await timed(gql(server.url, stats));
  assert.equal(codeOf(value), 'QUERY_TOO_COMPLEX');
  assert.match(value.errors![0].message, /2400 root fields \(aliases included\); the limit is 10/);
  assert.ok(ms < 2000, `refused after ${ms} ms`);
  const maps = `{ ${Array.from({ length: 49 }, (_, i) => `m${i}: embeddingMap(first: 5000) { x }`).join(' ')} }`;
  assert.equal(codeOf(await gql(server.url, maps)), 'QUERY_TOO_COMPLEX');
  // through a fragment too
  const viaFragment = `{ ...F } fragment F on Query { ${Array.from({ length: 11 }, (_, i) => `s${i}: stats { images }`).join(' ')} }`;
  assert.equal(codeOf(await gql(server.url, viaFragment)), 'QUERY_TOO_COMPLEX');
  const fine = await gql(server.url, '{ a: stats { images } b: stats { audio } tags { name } }');
  assert.equal(fine.errors, undefined, JSON.stringify(fine.errors));
});

test('a fragment cycle is a validation error, not a stack overflow', async () => {
  const r = await gql(server.url, '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }');
  assert.equal(r.status, 400);
  assert.equal(codeOf(r), 'GRAPHQL_VALIDATION_FAILED');
  assert.match(r.errors![0].message, /Cannot spread fragment "A" within itself/);
});

test('/healthz answers within 1 s while each probe of the issue runs (PGlite shares the event loop)', async () => {
  const key = await server.key(['write']);
  const picture = await image(3);
  const probes: [string, () => Promise<unknown>][] = [
    ['100 filter tags', () => gqlUpload(server.url, MUSIC_BY_IMAGE, { i: null, f: { tags: Array.from({ length: 100 }, (_, i) => `t${i}`) } }, { 'variables.i': picture })],
    ['10,000 filter tags', () => gql(server.url, 'query($t: [String!]) { assets(filter: { tags: $t }) { totalCount } }', { t: Array.from({ length: 10_000 }, (_, i) => `t${i}`) })],
    ['a 100 KB text filter', () => gql(server.url, 'query($t: String) { assets(filter: { text: $t }) { totalCount } }', { t: 'x'.repeat(100_000) })],
    ['a WAV at 1,000,001 Hz', () => gqlUpload(server.url, 'query($a: Upload!) { searchImagesByAudio(audio: $a, first: 3) { score } }', { a: null }, { 'variables.a': { bytes: wav(new Float32Array(100_000).fill(0.1), 1_000_001), name: 'odd.wav', type: 'audio/wav' } })],
    ['a WAV at 192,001 − 2 Hz', () => gqlUpload(server.url, 'query($a: Upload!) { searchImagesByAudio(audio: $a, first: 3) { score } }', { a: null }, { 'variables.a': tune(11, 1, 191_999) })],
    ['2,400 aliased stats', () => gql(server.url, `{ ${Array.from({ length: 2400 }, (_, i) => `s${i}: stats { images }`).join(' ')} }`)],
    ['49 aliased maps', () => gql(server.url, `{ ${Array.from({ length: 49 }, (_, i) => `m${i}: embeddingMap(first: 5000) { x }`).join(' ')} }`)],
    ['an ingest with 5,000 tags', () => gqlUpload(server.url, 'mutation($f: Upload!, $t: [String!]) { ingestAsset(file: $f, tags: $t) { id } }', { f: null, t: Array.from({ length: 5000 }, (_, i) => `tag${i}`) }, { 'variables.f': picture }, { key })],
    ['a fragment cycle', () => gql(server.url, '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }')],
  ];
  for (const [what, probe] of probes) {
    let running = true;
    const sampled: number[] = [];
    const sampling = (async () => {
      while (running) {
        sampled.push(await healthzMs(server.url));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const { ms } = await timed(probe());
    running = false;
    await sampling;
    const worst = Math.max(...sampled);
    assert.ok(worst < 1000, `${what}: /healthz took ${worst.toFixed(0)} ms while it ran (${ms.toFixed(0)} ms)`);
  }
});
