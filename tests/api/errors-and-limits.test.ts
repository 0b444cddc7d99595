// Bad input, limits, auth and CSRF: stable error codes, and a failed request changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { codeOf, gql, gqlUpload, image, removeDir, startTestApi, tempDir, tune, wav, type TestApi, type UploadFile } from './harness.js';

const INGEST = 'mutation($file: Upload!, $libraryId: ID) { ingestAsset(file: $file, libraryId: $libraryId) { id kind } }';
const MUSIC_BY_IMAGE = 'query($image: Upload!, $first: Int!) { searchMusicByImage(image: $image, first: $first) { score } }';
const LIMITS = {
  MUSE_MAX_UPLOAD_BYTES: '600000',
  MUSE_MAX_FILES: '1',
  MUSE_MAX_AUDIO_SECONDS: '20',
  MUSE_MAX_IMAGE_PIXELS: String(120 * 120),
  MUSE_MAX_QUERY_DEPTH: '3',
  MUSE_MAX_QUERY_COMPLEXITY: '300',
};

let dataDir: string;
let server: TestApi;
let writeKey: string;
let readKey: string;

before(async () => {
  dataDir = tempDir();
  server = await startTestApi(dataDir, LIMITS);
  writeKey = await server.key(['write']);
  readKey = await server.key(['read']);
  for (const seed of [1, 2]) {
    const r = await gqlUpload(server.url, INGEST, { file: null }, { 'variables.file': await image(seed) }, { key: writeKey });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const a = await gqlUpload(server.url, INGEST, { file: null }, { 'variables.file': tune(seed) }, { key: writeKey });
    assert.equal(a.errors, undefined, JSON.stringify(a.errors));
  }
});

after(async () => {
  await server?.close();
  removeDir(dataDir);
});

/** Rows, files and vectors: what a failed request must leave as it found them. */
async function snapshot() {
  const stats = (await gql(server.url, '{ stats { images audio tags libraries indexes { size } } }')).data.stats;
  const mediaDir = join(dataDir, 'media');
  const files = readdirSync(mediaDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
  const jobs = await server.api.core.db.prisma.job.count();
  const embeddings = await server.api.core.db.prisma.embedding.count();
  return { stats, files, jobs, embeddings };
}

async function ingestFails(file: UploadFile, expected: string[], vars: Record<string, unknown> = {}) {
  const before = await snapshot();
  const r = await gqlUpload(server.url, INGEST, { file: null, ...vars }, { 'variables.file': file }, { key: writeKey });
  assert.ok(expected.includes(codeOf(r) ?? ''), `${file.name}: expected ${expected.join('|')}, got ${JSON.stringify(r)}`);
  if (codeOf(r) === 'PAYLOAD_TOO_LARGE') assert.equal(r.status, 413, `${file.name}: every limit refusal is HTTP 413`);
  assert.ok(r.errors![0].message.length > 10, 'the message says what is wrong');
  assert.deepEqual(await snapshot(), before, `${file.name} changed something`);
}

test('corrupt, truncated and mislabelled uploads are refused with a stable code and change nothing', async () => {
  const png = await image(9);
  const jpeg = await image(9, 'jpeg');
  const garbage = new Uint8Array(2000).map((_, i) => (i * 37) % 256);
  const pngHeaderThenGarbage = new Uint8Array([...png.bytes.slice(0, 16), ...garbage]);
  await ingestFails({ bytes: pngHeaderThenGarbage, name: 'broken.png', type: 'image/png' }, ['BAD_USER_INPUT']);
  await ingestFails({ bytes: png.bytes.slice(0, Math.floor(png.bytes.length / 2)), name: 'half.png', type: 'image/png' }, ['BAD_USER_INPUT']);
  await ingestFails({ bytes: jpeg.bytes.slice(0, 200), name: 'cut.jpg', type: 'image/jpeg' }, ['BAD_USER_INPUT']);
  await ingestFails({ bytes: new TextEncoder().encode('this is not a picture at all, only words'), name: 'photo.png', type: 'image/png' }, ['UNSUPPORTED_MEDIA']);
  await ingestFails({ bytes: garbage, name: 'song.mp3', type: 'audio/mpeg' }, ['UNSUPPORTED_MEDIA']);
  const wavHeaderOnly = wav(new Float32Array(0), 16000);
  await ingestFails({ bytes: wavHeaderOnly, name: 'empty.wav', type: 'audio/wav' }, ['BAD_USER_INPUT']);
  await ingestFails({ bytes: new Uint8Array(0), name: 'nothing.png', type: 'image/png' }, ['BAD_USER_INPUT']);
  await ingestFails(await image(10), ['NOT_FOUND'], { libraryId: '00000000-0000-4000-8000-000000000000' });
});

test('a search given the wrong kind of media says so', async () => {
  const r = await gqlUpload(server.url, MUSIC_BY_IMAGE, { image: null, first: 3 }, { 'variables.image': { ...tune(4), name: 'looks-like.png', type: 'image/png' } });
  assert.equal(codeOf(r), 'BAD_USER_INPUT');
  assert.match(r.errors![0].message, /expected an image/);
  const hum = await gqlUpload(server.url, 'query($a: Upload!) { searchMusicByAudio(audio: $a, first: 3) { score } }', { a: null }, { 'variables.a': await image(4) });
  assert.equal(codeOf(hum), 'BAD_USER_INPUT');
  assert.match(hum.errors![0].message, /expected audio/);
  const tooMany = await gqlUpload(server.url, MUSIC_BY_IMAGE, { image: null, first: 101 }, { 'variables.image': await image(4) });
  assert.equal(codeOf(tooMany), 'BAD_USER_INPUT');
  const zero = await gqlUpload(server.url, MUSIC_BY_IMAGE, { image: null, first: 0 }, { 'variables.image': await image(4) });
  assert.equal(codeOf(zero), 'BAD_USER_INPUT');
});

test('ids that are not ids are NOT_FOUND or null, never internal errors', async () => {
  assert.equal((await gql(server.url, '{ job(id: "x") { id } library(id: "y") { id } asset(id: "z") { id } }')).data?.job, null);
  assert.equal(codeOf(await gql(server.url, '{ similar(assetId: "nope", kind: IMAGE) { score } }')), 'NOT_FOUND');
  assert.equal(codeOf(await gql(server.url, '{ suggestTags(assetId: "nope") { name } }')), 'NOT_FOUND');
  assert.equal(codeOf(await gql(server.url, 'mutation { deleteAsset(id: "nope") }', {}, { key: writeKey })), 'NOT_FOUND');
  assert.equal(codeOf(await gql(server.url, 'mutation { tagAssets(assetIds: ["nope"]) { id } }', {}, { key: writeKey })), 'NOT_FOUND');
  assert.equal(codeOf(await gql(server.url, 'mutation { addAssetsToLibrary(libraryId: "nope", assetIds: []) { id } }', {}, { key: writeKey })), 'NOT_FOUND');
  const filtered = await gql(server.url, '{ assets(filter: { libraryId: "nope" }) { totalCount } }');
  assert.equal(filtered.data.assets.totalCount, 0);
});

test('over-limit uploads get PAYLOAD_TOO_LARGE and change nothing', async () => {
  const big = tune(5, 40, 8000); // 640 kB > 600 kB
  await ingestFails(big, ['PAYLOAD_TOO_LARGE']);
  const longAudio = tune(6, 25, 8000); // 25 s > 20 s, 400 kB
  await ingestFails(longAudio, ['PAYLOAD_TOO_LARGE']);
  const manyPixels = await image(7, 'png', 200, 200);
  await ingestFails(manyPixels, ['PAYLOAD_TOO_LARGE']);
  const search = await gqlUpload(server.url, MUSIC_BY_IMAGE, { image: null, first: 3 }, { 'variables.image': manyPixels });
  assert.deepEqual([search.status, codeOf(search)], [413, 'PAYLOAD_TOO_LARGE']);

  const before = await snapshot();
  const twoFiles = await gqlUpload(
    server.url,
    'mutation($a: Upload!, $b: Upload!) { a: ingestAsset(file: $a) { id } b: ingestAsset(file: $b) { id } }',
    { a: null, b: null },
    { 'variables.a': await image(11), 'variables.b': await image(12) },
    { key: writeKey },
  );
  assert.equal(twoFiles.status, 413);
  assert.equal(codeOf(twoFiles), 'PAYLOAD_TOO_LARGE');
  assert.deepEqual(await snapshot(), before);
});

test('mutations need a key with the write scope; reads are open on loopback', async () => {
  const file = await image(20);
  const before = await snapshot();
  const anonymous = await gqlUpload(server.url, INGEST, { file: null }, { 'variables.file': file });
  assert.equal(codeOf(anonymous), 'UNAUTHENTICATED');
  const readOnly = await gqlUpload(server.url, INGEST, { file: null }, { 'variables.file': file }, { key: readKey });
  assert.equal(codeOf(readOnly), 'FORBIDDEN');
  const wrong = await gqlUpload(server.url, INGEST, { file: null }, { 'variables.file': file }, { key: 'muse_not-a-real-key' });
  assert.equal(codeOf(wrong), 'UNAUTHENTICATED');
  for (const m of ['mutation { createLibrary(name: "x") { id } }', 'mutation { deleteAsset(id: "00000000-0000-4000-8000-000000000000") }', 'mutation { tagAssets(libraryId: "00000000-0000-4000-8000-000000000000") { id } }']) {
    assert.equal(codeOf(await gql(server.url, m)), 'UNAUTHENTICATED', m);
  }
  assert.deepEqual(await snapshot(), before);
  const open = await gql(server.url, '{ stats { images } }');
  assert.equal(open.errors, undefined);
});

test("Apollo's CSRF prevention refuses a multipart request without a preflight header", async () => {
  const r = await gqlUpload(server.url, MUSIC_BY_IMAGE, { image: null, first: 1 }, { 'variables.image': await image(30) }, { preflight: false });
  assert.equal(r.status, 400);
  assert.match(JSON.stringify(r), /CSRF|preflight/i);
});

test('query depth and complexity are limited', async () => {
  const deep = await gql(server.url, '{ assets { edges { node { tags { name } } } } }');
  assert.equal(codeOf(deep), 'GRAPHQL_VALIDATION_FAILED');
  const costly = await gql(server.url, '{ a: assets(first: 100) { edges { node { id title } } } b: assets(first: 100) { edges { node { id } } } }');
  assert.equal(codeOf(costly), 'QUERY_TOO_COMPLEX');
  const fine = await gql(server.url, '{ assets(first: 5) { edges { node { id } } } }');
  assert.equal(fine.errors, undefined);
});

test('with MUSE_READS_REQUIRE_KEY reads and media need a read key too', async () => {
  const dir = tempDir();
  const locked = await startTestApi(dir, { MUSE_READS_REQUIRE_KEY: 'true' });
  try {
    const key = await locked.key(['read', 'write']);
    const r = await gqlUpload(locked.url, INGEST, { file: null }, { 'variables.file': await image(40) }, { key });
    const id = r.data.ingestAsset.id;
    assert.equal(codeOf(await gql(locked.url, '{ stats { images } }')), 'UNAUTHENTICATED');
    assert.equal((await gql(locked.url, '{ stats { images } }', {}, { key })).data.stats.images, 1);
    const refused = await fetch(`${locked.url}/media/${id}`);
    assert.equal(refused.status, 401);
    assert.equal((await refused.json()).errors[0].extensions.code, 'UNAUTHENTICATED', 'the same JSON error body as every other refusal');
    assert.equal((await fetch(`${locked.url}/media/${id}`, { headers: { authorization: `Bearer ${key}` } })).status, 200);
  } finally {
    await locked.close();
    removeDir(dir);
  }
});
