// GraphQL operations over HTTP on the embedded defaults (PGlite, in-process jobs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, TEST_MODEL, codeOf, fixtureFile, gql, gqlUpload, image, pollJob, removeDir, startTestApi, tempDir, tune, type TestApi } from './harness.js';

const ASSET_FIELDS = 'id kind title caption url mime bytes sha256 durationSeconds sampleRate width height source pairKey tags { name score origin } createdAt';
const INGEST = `mutation($file: Upload!, $title: String, $tags: [String!], $libraryId: ID) {
  ingestAsset(file: $file, title: $title, tags: $tags, libraryId: $libraryId) { ${ASSET_FIELDS} } }`;
const MUSIC_BY_IMAGE = `query($image: Upload!, $first: Int!, $filter: AssetFilter) {
  searchMusicByImage(image: $image, first: $first, filter: $filter) { score asset { id kind title tags { name origin } } } }`;
const IMAGES_BY_AUDIO = `query($audio: Upload!, $first: Int!, $filter: AssetFilter) {
  searchImagesByAudio(audio: $audio, first: $first, filter: $filter) { score asset { id kind url } } }`;
const MUSIC_BY_AUDIO = `query($audio: Upload!, $first: Int!, $filter: AssetFilter) {
  searchMusicByAudio(audio: $audio, first: $first, filter: $filter) { score asset { id kind } } }`;
const SIMILAR = `query($id: ID!, $kind: AssetKind!, $first: Int!) { similar(assetId: $id, kind: $kind, first: $first) { score asset { id kind } } }`;

const IMAGES = 12;
const TUNES = 24;
let dataDir: string;
let server: TestApi;
let writeKey: string;
const imageIds: string[] = [];
const tuneIds: string[] = [];
let libraryId: string;

async function ingest(file: Awaited<ReturnType<typeof image>>, vars: Record<string, unknown> = {}) {
  const r = await gqlUpload(server.url, INGEST, { file: null, ...vars }, { 'variables.file': file }, { key: writeKey });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.ingestAsset;
}

before(async () => {
  dataDir = tempDir();
  server = await startTestApi(dataDir);
  writeKey = await server.key(['read', 'write']);
  const lib = await gql(server.url, 'mutation { createLibrary(name: "Evens", description: "even tunes") { id name description assetCount } }', {}, { key: writeKey });
  assert.equal(lib.errors, undefined, JSON.stringify(lib.errors));
  libraryId = lib.data.createLibrary.id;
  for (let i = 0; i < IMAGES; i++) imageIds.push((await ingest(await image(i), { tags: i % 2 ? ['Odd'] : ['even'] })).id);
  for (let i = 0; i < TUNES; i++) {
    const vars = { tags: i % 2 ? ['odd', 'tune'] : ['even', 'tune'], ...(i % 2 ? {} : { libraryId }) };
    tuneIds.push((await ingest(tune(i), vars)).id);
  }
});

after(async () => {
  await server?.close();
  removeDir(dataDir);
});

test('ingestAsset stores every accepted image and audio format, sniffed from the bytes', async () => {
  const cases = [
    { file: await image(100, 'jpeg'), kind: 'IMAGE', mime: 'image/jpeg' },
    { file: await image(101, 'webp'), kind: 'IMAGE', mime: 'image/webp' },
    { file: await image(102, 'gif'), kind: 'IMAGE', mime: 'image/gif' },
    { file: fixtureFile('chirp.mp3', 'audio/mpeg'), kind: 'AUDIO', mime: 'audio/mpeg' },
    { file: fixtureFile('chirp.flac', 'audio/flac'), kind: 'AUDIO', mime: 'audio/flac' },
    { file: fixtureFile('chirp.ogg', 'audio/ogg'), kind: 'AUDIO', mime: 'audio/ogg' },
    { file: fixtureFile('chirp.opus', 'audio/ogg'), kind: 'AUDIO', mime: 'audio/ogg; codecs=opus' },
  ];
  const ids: string[] = [];
  for (const c of cases) {
    // the name lies on purpose: the type comes from the bytes
    const asset = await ingest({ ...c.file, name: 'upload.bin', type: 'application/octet-stream' });
    assert.equal(asset.kind, c.kind, c.file.name);
    assert.equal(asset.mime, c.mime, c.file.name);
    if (c.kind === 'IMAGE') assert.deepEqual([asset.width, asset.height], [96, 96]);
    else assert.ok(Math.abs(asset.durationSeconds - 2) < 0.1, `${c.file.name}: ${asset.durationSeconds}s`);
    ids.push(asset.id);
  }
  for (const id of ids) {
    const r = await gql(server.url, 'mutation($id: ID!) { deleteAsset(id: $id) }', { id }, { key: writeKey });
    assert.equal(r.data.deleteAsset, true);
  }
});

test('the same bytes ingested twice give the same asset, with the new tags merged', async () => {
  const again = await ingest(await image(0), { tags: ['Second Time'] });
  assert.equal(again.id, imageIds[0]);
  assert.deepEqual(again.tags.map((t: any) => t.name).sort(), ['even', 'second-time']);
  const stats = await gql(server.url, '{ stats { images audio indexes { modality size } bundle { name version dim } } }');
  assert.equal(stats.data.stats.images, IMAGES);
  assert.equal(stats.data.stats.audio, TUNES);
  assert.deepEqual(stats.data.stats.indexes, [{ modality: 'IMAGE', size: IMAGES }, { modality: 'AUDIO', size: TUNES }]);
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'models', TEST_MODEL, 'manifest.json'), 'utf8'));
  assert.deepEqual(stats.data.stats.bundle, { name: TEST_MODEL, version: manifest.version, dim: manifest.embeddingDim });
  const tags = await gql(server.url, '{ tags { name count } }');
  const counts = Object.fromEntries(tags.data.tags.map((t: any) => [t.name, t.count]));
  assert.equal(counts.tune, TUNES);
  assert.equal(counts.odd, IMAGES / 2 + TUNES / 2);
  assert.equal(counts['second-time'], 1);
});

test('GET /media/:assetId serves the bytes with their Content-Type and honours Range', async () => {
  const file = tune(3);
  const r = await gql(server.url, `query($id: ID!) { asset(id: $id) { url mime bytes } }`, { id: tuneIds[3] });
  const { url, mime, bytes } = r.data.asset;
  assert.equal(mime, 'audio/wav');
  const full = await fetch(url);
  assert.equal(full.status, 200);
  assert.equal(full.headers.get('content-type'), 'audio/wav');
  assert.equal(full.headers.get('accept-ranges'), 'bytes');
  assert.deepEqual(new Uint8Array(await full.arrayBuffer()), file.bytes);
  const part = await fetch(url, { headers: { range: 'bytes=100-199' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 100-199/${bytes}`);
  assert.deepEqual(new Uint8Array(await part.arrayBuffer()), file.bytes.slice(100, 200));
  const missing = await fetch(`${server.url}/media/00000000-0000-4000-8000-000000000000`);
  assert.equal(missing.status, 404);
});

test('searchMusicByImage returns the exact nearest music, best first, hydrated', async () => {
  const query = await image(500);
  const r = await gqlUpload(server.url, MUSIC_BY_IMAGE, { image: null, first: 10 }, { 'variables.image': query });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const hits = r.data.searchMusicByImage;
  assert.equal(hits.length, 10);
  for (const h of hits) {
    assert.equal(h.asset.kind, 'AUDIO');
    assert.ok(tuneIds.includes(h.asset.id));
    assert.ok(h.asset.tags.some((t: any) => t.name === 'tune'));
  }
  for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1].score >= hits[i].score);
  // Same ranking as a brute-force scan over the stored vectors.
  const { search } = server.api.core.services;
  const vector = (await server.api.core.embed.embedUpload(query.bytes, 'IMAGE')).vector;
  const exact = await search.hydrate(server.api.core.index.exactSearch('AUDIO', vector, 10));
  assert.deepEqual(hits.map((h: any) => h.asset.id), exact.map((h) => h.asset.id));
  assert.ok(Math.abs(hits[0].score - exact[0].score) < 1e-5);
});

test('searchImagesByAudio accepts short hums and long recordings (windowed and pooled)', async () => {
  const short = await gqlUpload(server.url, IMAGES_BY_AUDIO, { audio: null, first: 5 }, { 'variables.audio': tune(900, 1.5) });
  assert.equal(short.errors, undefined, JSON.stringify(short.errors));
  assert.equal(short.data.searchImagesByAudio.length, 5);
  const long = await gqlUpload(server.url, IMAGES_BY_AUDIO, { audio: null, first: 50 }, { 'variables.audio': tune(901, 40) });
  assert.equal(long.errors, undefined, JSON.stringify(long.errors));
  const hits = long.data.searchImagesByAudio;
  assert.equal(hits.length, IMAGES, 'first larger than the index returns every image');
  assert.ok(hits.every((h: any) => h.asset.kind === 'IMAGE' && h.asset.url.endsWith(`/media/${h.asset.id}`)));
});

test('searchMusicByAudio (query by humming) ranks the music itself first and matches a brute-force scan', async () => {
  const query = tune(7);
  const r = await gqlUpload(server.url, MUSIC_BY_AUDIO, { audio: null, first: 5 }, { 'variables.audio': query });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const hits = r.data.searchMusicByAudio;
  assert.equal(hits.length, 5);
  assert.ok(hits.every((h: any) => h.asset.kind === 'AUDIO'));
  assert.equal(hits[0].asset.id, tuneIds[7], 'the same recording is its own nearest music');
  assert.ok(hits[0].score > 0.999, `score ${hits[0].score}`);
  const { search } = server.api.core.services;
  const vector = (await server.api.core.embed.embedUpload(query.bytes, 'AUDIO')).vector;
  const exact = await search.hydrate(server.api.core.index.exactSearch('AUDIO', vector, 5));
  assert.deepEqual(hits.map((h: any) => h.asset.id), exact.map((h) => h.asset.id));
  const inLibrary = await gqlUpload(server.url, MUSIC_BY_AUDIO, { audio: null, first: 3, filter: { libraryId } }, { 'variables.audio': query });
  assert.ok(inLibrary.data.searchMusicByAudio.every((h: any) => tuneIds.indexOf(h.asset.id) % 2 === 0), 'the filter applies');
  assert.ok(!inLibrary.data.searchMusicByAudio.some((h: any) => h.asset.id === tuneIds[7]), 'tune 7 is not in the library');
});

test('filters are applied inside the search: first N gives N matching hits when N exist', async () => {
  const query = await image(501);
  const odd = await gqlUpload(server.url, MUSIC_BY_IMAGE, { image: null, first: 10, filter: { tags: ['odd'] } }, { 'variables.image': query });
  assert.equal(odd.errors, undefined, JSON.stringify(odd.errors));
  assert.equal(odd.data.searchMusicByImage.length, 10);
  assert.ok(odd.data.searchMusicByImage.every((h: any) => h.asset.tags.some((t: any) => t.name === 'odd')));
  const inLibrary = await gqlUpload(server.url, MUSIC_BY_IMAGE, { image: null, first: 20, filter: { libraryId } }, { 'variables.image': query });
  const libIds = inLibrary.data.searchMusicByImage.map((h: any) => h.asset.id);
  assert.equal(libIds.length, TUNES / 2);
  assert.deepEqual(new Set(libIds), new Set(tuneIds.filter((_, i) => i % 2 === 0)));
  const bySource = await gqlUpload(server.url, MUSIC_BY_IMAGE, { image: null, first: 5, filter: { sources: ['CORPUS'] } }, { 'variables.image': query });
  assert.deepEqual(bySource.data.searchMusicByImage, []);
  const both = await gqlUpload(server.url, MUSIC_BY_IMAGE, { image: null, first: 10, filter: { tags: ['odd', 'even'] } }, { 'variables.image': query });
  assert.deepEqual(both.data.searchMusicByImage, []);
});

test('similar finds cross-modal and same-modal neighbours and leaves the asset itself out', async () => {
  const same = await gql(server.url, SIMILAR, { id: tuneIds[5], kind: 'AUDIO', first: 5 });
  assert.equal(same.errors, undefined, JSON.stringify(same.errors));
  assert.equal(same.data.similar.length, 5);
  assert.ok(same.data.similar.every((h: any) => h.asset.kind === 'AUDIO' && h.asset.id !== tuneIds[5]));
  const cross = await gql(server.url, SIMILAR, { id: tuneIds[5], kind: 'IMAGE', first: 3 });
  assert.equal(cross.data.similar.length, 3);
  assert.ok(cross.data.similar.every((h: any) => h.asset.kind === 'IMAGE'));
  const all = await gql(server.url, SIMILAR, { id: imageIds[0], kind: 'IMAGE', first: 100 });
  assert.equal(all.data.similar.length, IMAGES - 1);
  const missing = await gql(server.url, SIMILAR, { id: '00000000-0000-4000-8000-000000000000', kind: 'IMAGE', first: 3 });
  assert.equal(codeOf(missing), 'NOT_FOUND');
});

test('assets is a Relay connection that pages through everything exactly once', async () => {
  const seen: string[] = [];
  let after: string | null = null;
  for (;;) {
    const r: any = await gql(server.url, `query($after: String) { assets(first: 7, after: $after, filter: { kind: AUDIO }) {
      totalCount edges { cursor node { id kind } } pageInfo { hasNextPage endCursor } } }`, { after });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const c = r.data.assets;
    assert.equal(c.totalCount, TUNES);
    seen.push(...c.edges.map((e: any) => e.node.id));
    if (!c.pageInfo.hasNextPage) break;
    after = c.pageInfo.endCursor;
  }
  assert.equal(seen.length, TUNES);
  assert.deepEqual(new Set(seen), new Set(tuneIds));
  const one = await gql(server.url, `query($id: ID!) { asset(id: $id) { ${ASSET_FIELDS} } }`, { id: imageIds[1] });
  assert.equal(one.data.asset.kind, 'IMAGE');
  assert.equal(one.data.asset.source, 'UPLOAD');
  assert.equal(one.data.asset.title, 'picture-1');
  const none = await gql(server.url, `query { asset(id: "not-an-id") { id } }`);
  assert.equal(none.data.asset, null);
  const bad = await gql(server.url, `query { assets(first: 5, after: "bogus") { totalCount } }`);
  assert.equal(codeOf(bad), 'BAD_USER_INPUT');
});

test('suggestTags votes with cross-modal neighbours: scores in [0,1], from the other modality', async () => {
  const byFile = await gqlUpload(server.url, 'query($f: Upload) { suggestTags(file: $f, first: 5) { name score } }', { f: null }, { 'variables.f': await image(777) });
  assert.equal(byFile.errors, undefined, JSON.stringify(byFile.errors));
  const tags = byFile.data.suggestTags;
  assert.ok(tags.length >= 2);
  assert.ok(tags.every((t: any) => t.score >= 0 && t.score <= 1));
  // every tune carries 'tune', so an image's (music) neighbours all vote for it
  assert.equal(tags[0].name, 'tune');
  assert.ok(Math.abs(tags[0].score - 1) < 1e-9);
  const byAsset = await gql(server.url, 'query($id: ID!) { suggestTags(assetId: $id, first: 10) { name score } }', { id: tuneIds[0] });
  const names = byAsset.data.suggestTags.map((t: any) => t.name);
  assert.ok(!names.includes('tune'), 'audio gets tags voted by images, which carry no "tune"');
  assert.ok(names.every((n: string) => n === 'odd' || n === 'even' || n === 'second-time'));
  const neither = await gql(server.url, 'query { suggestTags(first: 3) { name } }');
  assert.equal(codeOf(neither), 'BAD_USER_INPUT');
});

test('tagAssets runs as a job with progress and applies PREDICTED tags above minScore', async () => {
  const r = await gql(server.url, 'mutation($ids: [ID!]) { tagAssets(assetIds: $ids, minScore: 0.99, apply: true) { id type status progress } }', { ids: imageIds.slice(0, 4) }, { key: writeKey });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const job = await pollJob(server.url, r.data.tagAssets.id);
  assert.equal(job.status, 'SUCCEEDED', job.error);
  assert.equal(job.progress, 1);
  assert.equal(job.result.processed, 4);
  assert.equal(job.result.tagsApplied, 4);
  const asset = await gql(server.url, 'query($id: ID!) { asset(id: $id) { tags { name origin score } } }', { id: imageIds[2] });
  const predicted = asset.data.asset.tags.filter((t: any) => t.origin === 'PREDICTED');
  assert.deepEqual(predicted.map((t: any) => t.name), ['tune']);

  const lib = await gql(server.url, 'mutation($lib: ID!) { tagAssets(libraryId: $lib, minScore: 0, apply: false, maxTagsPerAsset: 2) { id } }', { lib: libraryId }, { key: writeKey });
  const libJob = await pollJob(server.url, lib.data.tagAssets.id);
  assert.equal(libJob.status, 'SUCCEEDED');
  assert.equal(libJob.result.processed, TUNES / 2);
  assert.equal(libJob.result.tagsApplied, 0);
  assert.ok(libJob.result.assets.every((a: any) => a.tags.length <= 2));
  const bad = await gql(server.url, 'mutation { tagAssets(minScore: 0.5) { id } }', {}, { key: writeKey });
  assert.equal(codeOf(bad), 'BAD_USER_INPUT');
});

test('libraries: create, add and remove assets, list, delete', async () => {
  const made = await gql(server.url, 'mutation { createLibrary(name: "Picks") { id name assetCount } }', {}, { key: writeKey });
  const id = made.data.createLibrary.id;
  const dup = await gql(server.url, 'mutation { createLibrary(name: "Picks") { id } }', {}, { key: writeKey });
  assert.equal(codeOf(dup), 'CONFLICT');
  const added = await gql(server.url, 'mutation($id: ID!, $a: [ID!]!) { addAssetsToLibrary(libraryId: $id, assetIds: $a) { assetCount } }', { id, a: [imageIds[0], tuneIds[1]] }, { key: writeKey });
  assert.equal(added.data.addAssetsToLibrary.assetCount, 2);
  const filtered = await gql(server.url, 'query($id: ID!) { assets(filter: { libraryId: $id }) { totalCount } }', { id });
  assert.equal(filtered.data.assets.totalCount, 2);
  const removed = await gql(server.url, 'mutation($id: ID!, $a: [ID!]!) { removeAssetsFromLibrary(libraryId: $id, assetIds: $a) { assetCount } }', { id, a: [imageIds[0]] }, { key: writeKey });
  assert.equal(removed.data.removeAssetsFromLibrary.assetCount, 1);
  const unknown = await gql(server.url, 'mutation($id: ID!) { addAssetsToLibrary(libraryId: $id, assetIds: ["00000000-0000-4000-8000-000000000000"]) { id } }', { id }, { key: writeKey });
  assert.equal(codeOf(unknown), 'NOT_FOUND');
  // two mutations in one request: each assetCount is read after its own mutation, not from the first
  const both = await gql(server.url, `mutation($id: ID!, $a: [ID!]!, $b: [ID!]!) {
    a: addAssetsToLibrary(libraryId: $id, assetIds: $a) { assetCount } b: addAssetsToLibrary(libraryId: $id, assetIds: $b) { assetCount } }`,
  { id, a: [imageIds[1]], b: [imageIds[2]] }, { key: writeKey });
  assert.deepEqual([both.data.a.assetCount, both.data.b.assetCount], [2, 3], JSON.stringify(both));
  const list = await gql(server.url, '{ libraries { name assetCount } }');
  assert.deepEqual(list.data.libraries.map((l: any) => l.name), ['Evens', 'Picks']);
  assert.equal(list.data.libraries.find((l: any) => l.name === 'Picks').assetCount, 3, 'the list counts each library (one query for all)');
  const del = await gql(server.url, 'mutation($id: ID!) { deleteLibrary(id: $id) }', { id }, { key: writeKey });
  assert.equal(del.data.deleteLibrary, true);
  const gone = await gql(server.url, 'query($id: ID!) { library(id: $id) { id } }', { id });
  assert.equal(gone.data.library, null);
  const still = await gql(server.url, 'query($id: ID!) { asset(id: $id) { id } }', { id: tuneIds[1] });
  assert.equal(still.data.asset.id, tuneIds[1], 'deleting a library keeps its assets');
});

test('addTags and removeTags change USER tags', async () => {
  const added = await gql(server.url, 'mutation($id: ID!) { addTags(assetId: $id, tags: ["Warm Light", "warm light"]) { tags { name origin } } }', { id: imageIds[3] }, { key: writeKey });
  assert.ok(added.data.addTags.tags.some((t: any) => t.name === 'warm-light' && t.origin === 'USER'));
  const removed = await gql(server.url, 'mutation($id: ID!) { removeTags(assetId: $id, tags: ["warm-light"]) { tags { name } } }', { id: imageIds[3] }, { key: writeKey });
  assert.ok(!removed.data.removeTags.tags.some((t: any) => t.name === 'warm-light'));
  const empty = await gql(server.url, 'mutation($id: ID!) { addTags(assetId: $id, tags: ["   "]) { id } }', { id: imageIds[3] }, { key: writeKey });
  assert.equal(codeOf(empty), 'BAD_USER_INPUT');
});

test('a deleted asset never appears in results again and its media is gone', async () => {
  const victim = tuneIds[TUNES - 1];
  const { url } = (await gql(server.url, 'query($id: ID!) { asset(id: $id) { url } }', { id: victim })).data.asset;
  const del = await gql(server.url, 'mutation($id: ID!) { deleteAsset(id: $id) }', { id: victim }, { key: writeKey });
  assert.equal(del.data.deleteAsset, true);
  const again = await gql(server.url, 'mutation($id: ID!) { deleteAsset(id: $id) }', { id: victim }, { key: writeKey });
  assert.equal(codeOf(again), 'NOT_FOUND');
  assert.equal((await fetch(url)).status, 404);
  for (const seed of [600, 601, 602]) {
    const r = await gqlUpload(server.url, MUSIC_BY_IMAGE, { image: null, first: 50 }, { 'variables.image': await image(seed) });
    const ids = r.data.searchMusicByImage.map((h: any) => h.asset.id);
    assert.equal(ids.length, TUNES - 1);
    assert.ok(!ids.includes(victim));
  }
  const sim = await gql(server.url, SIMILAR, { id: tuneIds[0], kind: 'AUDIO', first: 50 });
  assert.ok(!sim.data.similar.some((h: any) => h.asset.id === victim));
  const listed = await gql(server.url, '{ assets(first: 100, filter: { kind: AUDIO }) { edges { node { id } } } }');
  assert.ok(!listed.data.assets.edges.some((e: any) => e.node.id === victim));
  const stats = await gql(server.url, '{ stats { audio indexes { modality size } } }');
  assert.equal(stats.data.stats.audio, TUNES - 1);
  assert.equal(stats.data.stats.indexes[1].size, TUNES - 1);
});

test('health and readiness endpoints answer', async () => {
  const health = await fetch(`${server.url}/healthz`);
  assert.equal(health.status, 200);
  const ready = await fetch(`${server.url}/readyz`);
  assert.equal(ready.status, 200);
  assert.equal(((await ready.json()) as any).status, 'ready');
});
