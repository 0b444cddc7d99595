// generateImage over HTTP (issue 21, item 4) on the embedded defaults, with the untrained tiny MusIm bundle that
// `.ci/run` exports (data/musim/bundles/musim-untrained): an uploaded or stored track, a guide image (upload or
// asset) at a strength, the result as a searchable GENERATED image asset with its generation record, determinism,
// cancellation leaving nothing behind, the limits and the refusals with their codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { codeOf, gql, gqlUpload, image, REPO_ROOT, removeDir, serveTestApi, startTestApi, tempDir, tune } from './harness.js';
import { download, generationClient, JOB_FIELDS } from './generation-client.js';

const MUSIM_TEST_BUNDLE = process.env.MUSIM_TEST_BUNDLE ?? join(REPO_ROOT, 'data/musim/bundles/musim-untrained');
const skip = existsSync(join(MUSIM_TEST_BUNDLE, 'manifest.json')) ? false
  : `no MusIm bundle at ${MUSIM_TEST_BUNDLE}: run \`.ci/run\` (or training/musim/export.py --untrained --config tiny --seed 0 --out …), or set MUSIM_TEST_BUNDLE`;

const ENV = {
  MUSE_MUSIM_BUNDLE: MUSIM_TEST_BUNDLE,
  MUSE_GENERATE_MAX_COUNT: '3',
  MUSE_GENERATE_MAX_ACTIVE_PER_KEY: '2',
  MUSE_GENERATE_MAX_QUEUE: '3',
};

const ASSET = `query($id: ID!) { asset(id: $id) { id kind source title url mime width height
  generation { engine bundle encoder seed parameters midiUrl sources { role asset { id kind source } } } } }`;

let writeKey = '';
let otherKey = '';
let readKey = '';
let audioAssetId = '';
let imageAssetId = '';
const server = serveTestApi(ENV, async (s) => {
  if (skip) return;
  writeKey = await s.key(['read', 'write']);
  otherKey = await s.key(['read', 'write']);
  readKey = await s.key(['read']);
  const aud = await gqlUpload(s.url, 'mutation($f: Upload!) { ingestAsset(file: $f, title: "theme") { id } }', { f: null }, { 'variables.f': tune(3, 4) }, { key: writeKey });
  assert.equal(aud.errors, undefined, JSON.stringify(aud.errors));
  audioAssetId = aud.data.ingestAsset.id;
  const img = await gqlUpload(s.url, 'mutation($f: Upload!) { ingestAsset(file: $f, title: "sketch") { id } }', { f: null }, { 'variables.f': await image(7) }, { key: writeKey });
  assert.equal(img.errors, undefined, JSON.stringify(img.errors));
  imageAssetId = img.data.ingestAsset.id;
});

const { document: GENERATE, generate, started, waitForJob, succeeded, assetOf, snapshot, TERMINAL } = generationClient({
  server, mutation: 'generateImage', inputType: 'GenerateImageInput', assetQuery: ASSET, defaultKey: () => writeKey,
});


test('generateImage from an uploaded track: a GENERATED 256×256 PNG asset with its generation record, found by a search with its track', { skip }, async () => {
  const job = await started({ seed: 42, steps: 8, title: 'cover' }, { audio: tune(11, 4) });
  assert.deepEqual([job.type, job.status], ['GENERATE_IMAGE', 'QUEUED']);
  const [id] = await succeeded(job.id);
  const asset = await assetOf(id);
  assert.deepEqual([asset.kind, asset.source, asset.title, asset.mime, asset.width, asset.height], ['IMAGE', 'GENERATED', 'cover', 'image/png', 256, 256]);
  const g = asset.generation;
  assert.deepEqual([g.engine, g.bundle, g.encoder, g.seed, g.midiUrl], ['musim', 'musim-untrained@1', 'muvis-small@1', 42, null]);
  assert.deepEqual([g.parameters.steps, g.parameters.sampler, g.parameters.guidanceScale, g.parameters.count, g.parameters.variation, g.parameters.upscale], [8, 'dpmpp-2m', 3, 1, 0, false]);
  assert.equal(g.parameters.output.denoiserCalls, 8);
  assert.deepEqual(g.sources.map((s: any) => [s.role, s.asset.kind, s.asset.source]), [['AUDIO', 'AUDIO', 'UPLOAD']], 'the uploaded track is kept as an asset');
  const png = await download(asset.url);
  const meta = await sharp(png).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['png', 256, 256]);

  const byTrack = await gqlUpload(server.url, 'query($a: Upload!) { searchImagesByAudio(audio: $a, first: 5, filter: { sources: [GENERATED] }) { asset { id } } }', { a: null },
    { 'variables.a': tune(11, 4) });
  assert.equal(byTrack.errors, undefined, JSON.stringify(byTrack.errors));
  assert.ok(byTrack.data.searchImagesByAudio.some((h: any) => h.asset.id === id), 'embedded and indexed: a search finds it');
});

test('from a stored track: the same seed gives the same picture (the same asset); variations come in order with seeds seed, seed + 1', { skip }, async () => {
  const [first] = await succeeded((await started({ audioAssetId, seed: 5, steps: 4 })).id);
  const [again] = await succeeded((await started({ audioAssetId, seed: 5, steps: 4 })).id);
  assert.equal(again, first, 'byte-identical PNG, stored once');
  const ids = await succeeded((await started({ audioAssetId, seed: 9, steps: 4, count: 2, sampler: 'ddim' })).id);
  assert.equal(ids.length, 2);
  const seeds = await Promise.all(ids.map(async (id) => (await assetOf(id)).generation));
  assert.deepEqual(seeds.map((g) => [g.seed, g.parameters.variation, g.parameters.sampler]), [[9, 0, 'ddim'], [10, 1, 'ddim']]);
  assert.notEqual(ids[0], ids[1]);
});

test('a guide image (upload or asset) is recorded with its strength; strength 0 returns the guide itself, re-encoded', { skip }, async () => {
  const [guided] = await succeeded((await started({ audioAssetId, guideAssetId: imageAssetId, strength: 0.5, steps: 6, seed: 3 })).id);
  const g = (await assetOf(guided)).generation;
  assert.deepEqual(g.sources.map((s: any) => [s.role, s.asset.id]).sort(), [['AUDIO', audioAssetId], ['GUIDE', imageAssetId]]);
  assert.equal(g.parameters.strength, 0.5);
  assert.equal(g.parameters.output.denoiserCalls, 3, 'half of the steps, from the guide\'s noised latent');

  const [kept] = await succeeded((await started({ audioAssetId, strength: 0, seed: 4 }, { guide: await image(8) })).id);
  const k = await assetOf(kept);
  assert.equal(k.generation.parameters.output.denoiserCalls, 0, 'no denoiser call at strength 0');
  const guideSource = k.generation.sources.find((s: any) => s.role === 'GUIDE');
  assert.equal(guideSource.asset.source, 'UPLOAD', 'the uploaded guide is kept as an asset');
});

test('requests the engine or the limits would refuse are refused before a job exists, with stable codes, leaving nothing behind', { skip }, async () => {
  const before = await snapshot();
  const wav = tune(21);
  const cases: [string, Promise<any>, string][] = [
    ['both audio inputs', generate({ audioAssetId }, { audio: wav }), 'BAD_USER_INPUT'],
    ['no audio', generate({ steps: 4 }), 'BAD_USER_INPUT'],
    ['unknown audio asset', generate({ audioAssetId: '00000000-0000-4000-8000-000000000000' }), 'NOT_FOUND'],
    ['an image asset as the track', generate({ audioAssetId: imageAssetId }), 'BAD_USER_INPUT'],
    ['an audio asset as the guide', generate({ audioAssetId, guideAssetId: audioAssetId }), 'BAD_USER_INPUT'],
    ['an image upload as the track', generate({}, { audio: await image(5) }), 'BAD_USER_INPUT'],
    ['an audio upload as the guide', generate({ audioAssetId }, { guide: wav }), 'BAD_USER_INPUT'],
    ['unknown library', generate({ audioAssetId, libraryId: '00000000-0000-4000-8000-000000000000' }), 'NOT_FOUND'],
    ['too many variations', generate({ audioAssetId, count: 4 }), 'BAD_USER_INPUT'],
    ['steps over the limit', generate({ audioAssetId, steps: 51 }), 'BAD_USER_INPUT'],
    ['zero steps', generate({ audioAssetId, steps: 0 }), 'BAD_USER_INPUT'],
    ['unknown sampler', generate({ audioAssetId, sampler: 'euler' }), 'BAD_USER_INPUT'],
    ['guidance out of range', generate({ audioAssetId, guidanceScale: 25 }), 'BAD_USER_INPUT'],
    ['strength without a guide', generate({ audioAssetId, strength: 0.3 }), 'BAD_USER_INPUT'],
    ['strength out of range', generate({ audioAssetId, guideAssetId: imageAssetId, strength: 1.5 }), 'BAD_USER_INPUT'],
    ['negative seed', generate({ audioAssetId, seed: -1 }), 'BAD_USER_INPUT'],
    ['no key', generate({ audioAssetId }, {}, ''), 'UNAUTHENTICATED'],
    ['a read-only key', generate({ audioAssetId }, {}, readKey), 'FORBIDDEN'],
    ['a read-only key, with an upload', generate({}, { audio: wav }, readKey), 'FORBIDDEN'],
  ];
  for (const [what, request, code] of cases) {
    const r = await request;
    assert.equal(codeOf(r), code, `${what}: ${JSON.stringify(r)}`);
    assert.ok(r.errors[0].message.length > 10, `${what}: the message says what is wrong`);
  }
  assert.deepEqual(await snapshot(), before);
});

test('a running job shows a preview of its picture; cancelJob stops it between denoiser steps, a QUEUED one at once; nothing is left of either', { skip }, async () => {
  const before = await snapshot();
  const running = await started({ audioAssetId, steps: 50, count: 3, seed: 1 });
  const queued = await started({ audioAssetId, steps: 50, seed: 2 });
  const progressing = await waitForJob(running.id, (job) => job.status !== 'QUEUED' && /^step \d+ of 50, picture [12] of 3$/.test(job.message ?? '') && job.preview !== null);
  assert.equal(progressing.status, 'RUNNING', JSON.stringify({ ...progressing, preview: progressing.preview?.slice(0, 40) }));
  const [, base64] = /^data:image\/jpeg;base64,(.+)$/.exec(progressing.preview) ?? assert.fail('the preview is a JPEG data URL');
  const thumb = await sharp(Buffer.from(base64, 'base64')).metadata();
  assert.deepEqual([thumb.format, thumb.width, thumb.height], ['jpeg', 128, 128]);
  const q = await gql(server.url, `mutation($id: ID!) { cancelJob(id: $id) { ${JOB_FIELDS} } }`, { id: queued.id }, { key: writeKey });
  assert.equal(q.data?.cancelJob.status, 'CANCELLED', JSON.stringify(q));
  const other = await gql(server.url, 'mutation($id: ID!) { cancelJob(id: $id) { id } }', { id: running.id }, { key: otherKey });
  assert.equal(codeOf(other), 'NOT_FOUND', 'another key\'s job');
  const r = await gql(server.url, `mutation($id: ID!) { cancelJob(id: $id) { ${JOB_FIELDS} } }`, { id: running.id }, { key: writeKey });
  assert.equal(r.data?.cancelJob.status, 'RUNNING', JSON.stringify(r));
  const stopped = await waitForJob(running.id, (job) => TERMINAL.has(job.status), 10_000);
  assert.deepEqual([stopped.status, stopped.error, stopped.result, stopped.preview], ['CANCELLED', null, null, null]);
  const after = await snapshot();
  assert.deepEqual({ ...after, jobs: before.jobs }, before, 'no asset, generation or media file is left of either');
});

test('limits: unfinished image jobs per key (TOO_MANY_REQUESTS) and in all (SERVICE_UNAVAILABLE), refused before any upload is stored', { skip }, async () => {
  const thirdKey = await server.key(['write']);
  const jobs = [await started({ audioAssetId, steps: 50, count: 3 }), await started({ audioAssetId, steps: 50, count: 3 })];
  const before = await snapshot();
  const perKey = await generate({}, { audio: tune(31) });
  assert.equal(codeOf(perKey), 'TOO_MANY_REQUESTS', JSON.stringify(perKey));
  jobs.push(await started({ audioAssetId, steps: 50 }, {}, otherKey));
  const full = await generate({}, { audio: tune(32) }, thirdKey);
  assert.equal(codeOf(full), 'SERVICE_UNAVAILABLE', JSON.stringify(full));
  assert.deepEqual({ ...(await snapshot()), jobs: before.jobs }, before, 'the refused uploads were not stored');
  for (const [i, job] of jobs.entries()) {
    await gql(server.url, 'mutation($id: ID!) { cancelJob(id: $id) { id } }', { id: job.id }, { key: i < 2 ? writeKey : otherKey });
  }
  for (const job of jobs) assert.equal((await waitForJob(job.id)).status, 'CANCELLED');
  await succeeded((await started({ audioAssetId, steps: 2, seed: 7 }, {}, thirdKey)).id); // places are free again
});

test('deleting a generated picture keeps its sources', { skip }, async () => {
  const [id] = await succeeded((await started({ audioAssetId, steps: 2, seed: 77 })).id);
  const r = await gql(server.url, 'mutation($id: ID!) { deleteAsset(id: $id) }', { id }, { key: writeKey });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  assert.equal((await gql(server.url, 'query($id: ID!) { asset(id: $id) { id } }', { id })).data.asset, null);
  assert.ok((await assetOf(audioAssetId)).id, 'the track stays');
});

test('without an engine, generateImage is SERVICE_UNAVAILABLE and says how to get a bundle', async () => {
  const dataDir = tempDir();
  const api = await startTestApi(dataDir, { MUSE_MUSIM_BUNDLE: join(tempDir('muse-no-bundle-'), 'missing') });
  try {
    const key = await api.key(['write']);
    const r = await gqlUpload(api.url, GENERATE, { input: { audio: null } }, { 'variables.input.audio': tune(1) }, { key });
    assert.equal(codeOf(r), 'SERVICE_UNAVAILABLE', JSON.stringify(r));
    assert.match(r.errors![0].message, /npm run train:musim/);
    assert.match(r.errors![0].message, /MUSE_MUSIM_BUNDLE/);
    assert.ok(!r.errors![0].message.includes(dataDir) && !r.errors![0].message.includes(REPO_ROOT), 'no server paths');
    assert.equal(await api.api.core.db.prisma.asset.count(), 0, 'the upload was not stored');
  } finally {
    await api.close();
    removeDir(dataDir);
  }
});

test("myGenerations lists the calling key's pictures with its music, newest first; other keys' stay out", { skip }, async () => {
  const [mine] = await succeeded((await started({ audioAssetId, steps: 2, seed: 501 }, {}, otherKey)).id);
  const r = await gql(server.url, '{ myGenerations(first: 5) { id kind source generation { engine } } }', {}, { key: otherKey });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  assert.deepEqual(r.data.myGenerations[0], { id: mine, kind: 'IMAGE', source: 'GENERATED', generation: { engine: 'musim' } });
  const writers = await gql(server.url, '{ myGenerations(first: 100) { id } }', {}, { key: writeKey });
  assert.ok(writers.data.myGenerations.length > 0 && writers.data.myGenerations.every((a: any) => a.id !== mine), "another key's history");
});
