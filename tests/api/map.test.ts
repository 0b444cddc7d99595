// embeddingMap: the 2-D PCA map of the joint embedding space, over HTTP on the embedded defaults.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { codeOf, gql, gqlUpload, image, removeDir, startTestApi, tempDir, tune, type TestApi, type UploadFile } from './harness.js';

const INGEST = 'mutation($file: Upload!, $title: String, $tags: [String!]) { ingestAsset(file: $file, title: $title, tags: $tags) { id kind } }';
// the web app's operation, as it sends it
const WEB_MAP = 'query EmbeddingMap($first: Int) { embeddingMap(first: $first) { assetId kind x y title tags } }';
const MAP = 'query($first: Int, $kind: AssetKind) { embeddingMap(first: $first, kind: $kind) { assetId kind x y title tags } }';

interface Point {
  assetId: string;
  kind: 'IMAGE' | 'AUDIO';
  x: number;
  y: number;
  title: string | null;
  tags: string[];
}

const IMAGES = 6;
const TUNES = 6;
let dataDir: string;
let server: TestApi;
let writeKey: string;
const ingested = new Map<string, { kind: string; title: string }>();
const order: string[] = [];

async function ingest(file: UploadFile, title: string, tags: string[]): Promise<string> {
  const r = await gqlUpload(server.url, INGEST, { file: null, title, tags }, { 'variables.file': file }, { key: writeKey });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  ingested.set(r.data.ingestAsset.id, { kind: r.data.ingestAsset.kind, title });
  order.push(r.data.ingestAsset.id);
  return r.data.ingestAsset.id;
}

async function map(variables: Record<string, unknown> = {}): Promise<Point[]> {
  const r = await gql(server.url, MAP, variables);
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.embeddingMap;
}

function assertOnMap(points: Point[], expected: Map<string, { kind: string; title: string }>): void {
  assert.equal(points.length, expected.size);
  assert.equal(new Set(points.map((p) => p.assetId)).size, points.length, 'each asset once');
  let extent = 0;
  for (const p of points) {
    const want = expected.get(p.assetId);
    assert.ok(want, `unexpected asset ${p.assetId}`);
    assert.equal(p.kind, want.kind);
    assert.equal(p.title, want.title);
    assert.ok(Number.isFinite(p.x) && Number.isFinite(p.y));
    assert.ok(Math.abs(p.x) <= 1 && Math.abs(p.y) <= 1, `${p.x}, ${p.y}`);
    extent = Math.max(extent, Math.abs(p.x), Math.abs(p.y));
  }
  assert.equal(extent, 1, 'scaled so the farthest coordinate is at ±1');
}

before(async () => {
  dataDir = tempDir();
  server = await startTestApi(dataDir);
  writeKey = await server.key(['read', 'write']);
  for (let i = 0; i < IMAGES; i++) await ingest(await image(i), `Picture ${i}`, i % 2 ? ['zeta', 'odd'] : ['even']);
  for (let i = 0; i < TUNES; i++) await ingest(tune(i), `Tune ${i}`, i % 2 ? ['odd', 'tune'] : ['even', 'tune']);
});

after(async () => {
  await server?.close();
  removeDir(dataDir);
});

test('the web app query maps every image and tune once, coordinates in [-1, 1], with title and tags', async () => {
  const r = await gql(server.url, WEB_MAP, { first: 2000 });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const points: Point[] = r.data.embeddingMap;
  assertOnMap(points, ingested);
  const tuneOne = points.find((p) => p.title === 'Tune 1');
  assert.deepEqual(tuneOne?.tags, ['odd', 'tune']);
  assert.deepEqual(points.find((p) => p.title === 'Picture 3')?.tags, ['odd', 'zeta']);
  // both modalities share one projection: they are not collapsed onto a single point
  assert.ok(new Set(points.map((p) => `${p.x},${p.y}`)).size > 2);
});

test('the map is deterministic and lists the most recently embedded first', async () => {
  const first = await map();
  const again = await map();
  assert.deepEqual(again, first);
  assert.deepEqual(first.map((p) => p.assetId), [...order].reverse());
  const three = await map({ first: 3 });
  assert.deepEqual(three, first.slice(0, 3));
});

test('kind: IMAGE keeps only images, at the same places as on the full map', async () => {
  const all = await map();
  const images = await map({ kind: 'IMAGE' });
  assert.equal(images.length, IMAGES);
  assert.ok(images.every((p) => p.kind === 'IMAGE'));
  assert.deepEqual(images, all.filter((p) => p.kind === 'IMAGE'));
  const audio = await map({ kind: 'AUDIO', first: 2 });
  assert.deepEqual(audio, all.filter((p) => p.kind === 'AUDIO').slice(0, 2));
});

test('first outside 1..5000 is refused as BAD_USER_INPUT, not as too complex', async () => {
  for (const first of [0, -1, 5001, 1_000_000]) {
    assert.equal(codeOf(await gql(server.url, MAP, { first })), 'BAD_USER_INPUT', String(first));
  }
  assert.equal((await map({ first: 5000 })).length, ingested.size);
});

test('a deleted asset leaves the map and a newly ingested one joins it', async () => {
  const previous = await map();
  const gone = order[2];
  const del = await gql(server.url, 'mutation($id: ID!) { deleteAsset(id: $id) }', { id: gone }, { key: writeKey });
  assert.equal(del.data?.deleteAsset, true, JSON.stringify(del.errors));
  ingested.delete(gone);
  const afterDelete = await map();
  assert.ok(!afterDelete.some((p) => p.assetId === gone));
  assertOnMap(afterDelete, ingested);
  assert.notDeepEqual(afterDelete.map((p) => [p.x, p.y]), previous.filter((p) => p.assetId !== gone).map((p) => [p.x, p.y]), 'refitted');

  const added = await ingest(tune(77), 'Tune 77', ['late']);
  const afterIngest = await map();
  assertOnMap(afterIngest, ingested);
  assert.equal(afterIngest[0].assetId, added);
  assert.deepEqual(afterIngest[0].tags, ['late']);
});

// Asset.url behind the web app's Next.js proxy (it forwards to the API from loopback).
test('Asset.url honours X-Forwarded-Host and X-Forwarded-Proto from a loopback proxy', async () => {
  const id = order[0];
  const query = JSON.stringify({ query: 'query($id: ID!) { asset(id: $id) { url } }', variables: { id } });
  const post = async (headers: Record<string, string>) => {
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: query });
    return ((await res.json()) as any).data.asset.url as string;
  };
  assert.equal(await post({}), `${server.url}/media/${id}`);
  assert.equal(await post({ 'x-forwarded-host': 'muse.example:3000', 'x-forwarded-proto': 'https' }), `https://muse.example:3000/media/${id}`);
  assert.equal(await post({ 'x-forwarded-host': 'localhost:3000' }), `http://localhost:3000/media/${id}`);
  // a forwarded host that is no host name falls back to the Host header
  assert.equal(await post({ 'x-forwarded-host': 'evil.example/path?x=' }), `${server.url}/media/${id}`);
  const bytes = await fetch(await post({}));
  assert.equal(bytes.status, 200);
});
