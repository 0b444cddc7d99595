// Restarts: every asset kept, identical results; index files missing, corrupt or stale are
// rebuilt from the database with identical results.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_MODEL, gql, gqlUpload, image, removeDir, startTestApi, tempDir, tune } from './harness.js';

const INGEST = 'mutation($file: Upload!) { ingestAsset(file: $file) { id } }';
let dataDir: string;
let writeKey: string;
let deletedId: string;
let baseline: unknown;
/** DATA_DIR/index/<bundle>/<version>: the one version folder there is */
const indexDir = () => {
  const bundleDir = join(dataDir, 'index', TEST_MODEL);
  return join(bundleDir, readdirSync(bundleDir)[0]);
};

/** Everything a client could observe through searches and listings. */
async function observe(url: string) {
  const out: Record<string, unknown> = {};
  for (const seed of [300, 301, 302]) {
    const r = await gqlUpload(url, 'query($i: Upload!) { searchMusicByImage(image: $i, first: 10) { score asset { id } } }', { i: null }, { 'variables.i': await image(seed) });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    out[`music-${seed}`] = r.data.searchMusicByImage;
  }
  for (const seed of [310, 311]) {
    const r = await gqlUpload(url, 'query($a: Upload!) { searchImagesByAudio(audio: $a, first: 5) { score asset { id } } }', { a: null }, { 'variables.a': tune(seed) });
    out[`images-${seed}`] = r.data.searchImagesByAudio;
  }
  const list = await gql(url, '{ assets(first: 100) { totalCount edges { node { id kind sha256 tags { name } } } } }');
  out.assets = list.data.assets;
  const firstAudio = list.data.assets.edges.find((e: any) => e.node.kind === 'AUDIO').node.id;
  out.similar = (await gql(url, 'query($id: ID!) { similar(assetId: $id, kind: AUDIO, first: 8) { score asset { id } } }', { id: firstAudio })).data.similar;
  return out;
}

async function withServer<T>(fn: (url: string, report: { modality: string; action: string; reason?: string }[]) => Promise<T>): Promise<T> {
  const s = await startTestApi(dataDir);
  try {
    return await fn(s.url, s.api.core.indexReport);
  } finally {
    await s.close();
  }
}

before(async () => {
  dataDir = tempDir();
  const s = await startTestApi(dataDir);
  try {
    writeKey = await s.key(['write']);
    for (let i = 0; i < 10; i++) await gqlUpload(s.url, INGEST, { file: null }, { 'variables.file': await image(i) }, { key: writeKey });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await gqlUpload(s.url, INGEST, { file: null }, { 'variables.file': tune(i) }, { key: writeKey });
      ids.push(r.data.ingestAsset.id);
    }
    deletedId = ids[7];
    await gql(s.url, 'mutation($id: ID!) { deleteAsset(id: $id) }', { id: deletedId }, { key: writeKey });
    baseline = await observe(s.url);
  } finally {
    await s.close();
  }
});

after(() => removeDir(dataDir));

test('a restart keeps every asset and gives identical search results from the saved indexes', async () => {
  await withServer(async (url, report) => {
    assert.deepEqual(report.map((r) => r.action), ['loaded', 'loaded']);
    assert.deepEqual(await observe(url), baseline);
    assert.ok(!JSON.stringify(baseline).includes(deletedId), 'the deleted asset stays deleted');
  });
});

test('deleting the index files and restarting rebuilds them with identical results', async () => {
  rmSync(join(dataDir, 'index'), { recursive: true, force: true });
  await withServer(async (url, report) => {
    assert.deepEqual(report.map((r) => [r.action, r.reason]), [['rebuilt', 'missing'], ['rebuilt', 'missing']]);
    assert.deepEqual(await observe(url), baseline);
  });
  const files = readdirSync(indexDir()).sort();
  assert.deepEqual(files, ['audio.hnsw', 'audio.hnsw.meta.json', 'image.hnsw', 'image.hnsw.meta.json']);
});

test('a corrupt or truncated index file is detected and rebuilt', async () => {
  writeFileSync(join(indexDir(), 'audio.hnsw'), 'not an index');
  truncateSync(join(indexDir(), 'image.hnsw'), Math.floor(statSync(join(indexDir(), 'image.hnsw')).size / 2));
  await withServer(async (url, report) => {
    assert.deepEqual(report.map((r) => r.action), ['rebuilt', 'rebuilt']);
    assert.ok(report.every((r) => r.reason?.startsWith('unreadable')), JSON.stringify(report));
    assert.deepEqual(await observe(url), baseline);
  });
  await withServer(async (_url, report) => assert.deepEqual(report.map((r) => r.action), ['loaded', 'loaded']));
});

test('an index older than the database (stale) is rebuilt and serves the newer assets', async () => {
  const saved = tempDir();
  const dir = indexDir();
  cpSync(dir, saved, { recursive: true });
  let newId = '';
  await withServer(async (url) => {
    newId = (await gqlUpload(url, INGEST, { file: null }, { 'variables.file': tune(99) }, { key: writeKey })).data.ingestAsset.id;
  });
  rmSync(dir, { recursive: true });
  cpSync(saved, dir, { recursive: true });
  removeDir(saved);
  await withServer(async (url, report) => {
    assert.deepEqual(report.map((r) => r.action), ['loaded', 'rebuilt']);
    assert.match(report[1].reason ?? '', /stale/);
    const r = await gqlUpload(url, 'query($i: Upload!) { searchMusicByImage(image: $i, first: 50) { asset { id } } }', { i: null }, { 'variables.i': await image(1) });
    const ids = r.data.searchMusicByImage.map((h: any) => h.asset.id);
    assert.equal(ids.length, 20);
    assert.ok(ids.includes(newId));
    assert.ok(!ids.includes(deletedId));
  });
});
