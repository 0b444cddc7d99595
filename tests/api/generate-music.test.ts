// generateMusic over HTTP (issue 20, item 5) on the embedded defaults, with the untrained tiny Imagic bundle that
// `.ci/run` exports (data/imagic/bundles/imagic-untrained): uploads and stored sources, MIDI and audio prompts, a
// guide track, the result as a searchable GENERATED asset with its generation record and MIDI, determinism,
// cancellation (queued and running) leaving nothing behind, the limits and the refusals with their codes.
// Every job expected to succeed names its seed: the untrained bundle writes no notes at all for some seeds (that job
// then FAILS, saying so), and the seeds here are ones it writes notes for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { midiPrompt } from '@muse/generation';
import { codeOf, gql, gqlUpload, image, REPO_ROOT, removeDir, serveTestApi, startTestApi, tempDir, TEST_MODEL, tune } from './harness.js';
import { download, generationClient, JOB_FIELDS } from './generation-client.js';

export const IMAGIC_TEST_BUNDLE = process.env.IMAGIC_TEST_BUNDLE ?? join(REPO_ROOT, 'data/imagic/bundles/imagic-untrained');
const skip = existsSync(join(IMAGIC_TEST_BUNDLE, 'manifest.json')) ? false
  : `no Imagic bundle at ${IMAGIC_TEST_BUNDLE}: run \`.ci/run\` (or training/imagic/export.py --untrained --config tiny --out …), or set IMAGIC_TEST_BUNDLE`;

const ENV = {
  MUSE_IMAGIC_BUNDLE: IMAGIC_TEST_BUNDLE,
  MUSE_GENERATE_MIN_SECONDS: '1',
  MUSE_GENERATE_MAX_SECONDS: '60',
  MUSE_GENERATE_MAX_COUNT: '3',
  MUSE_GENERATE_MAX_ACTIVE_PER_KEY: '2',
  MUSE_GENERATE_MAX_QUEUE: '3',
  MUSE_MAX_FILES: '3',
};

const ASSET = `query($id: ID!) { asset(id: $id) { id kind source title url mime durationSeconds sampleRate
  generation { engine bundle encoder seed parameters midiUrl createdAt sources { role asset { id kind source } } } } }`;

let writeKey = '';
let otherKey = '';
let readKey = '';
let imageAssetId = '';
let audioAssetId = '';
const server = serveTestApi(ENV, async (s) => {
  if (skip) return;
  writeKey = await s.key(['read', 'write']);
  otherKey = await s.key(['read', 'write']);
  readKey = await s.key(['read']);
  const img = await gqlUpload(s.url, 'mutation($f: Upload!) { ingestAsset(file: $f, title: "sunset") { id } }', { f: null }, { 'variables.f': await image(7) }, { key: writeKey });
  assert.equal(img.errors, undefined, JSON.stringify(img.errors));
  imageAssetId = img.data.ingestAsset.id;
  const aud = await gqlUpload(s.url, 'mutation($f: Upload!) { ingestAsset(file: $f, title: "theme") { id } }', { f: null }, { 'variables.f': tune(3, 4) }, { key: writeKey });
  assert.equal(aud.errors, undefined, JSON.stringify(aud.errors));
  audioAssetId = aud.data.ingestAsset.id;
});

const { document: GENERATE, generate, started, waitForJob, succeeded, assetOf, snapshot, TERMINAL } = generationClient({
  server, mutation: 'generateMusic', inputType: 'GenerateMusicInput', assetQuery: ASSET, defaultKey: () => writeKey,
});

const ascii = (bytes: Uint8Array, from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString('latin1');


test('generateMusic from an uploaded image: a GENERATED audio asset with its generation record and MIDI, searchable by its own audio', { skip }, async () => {
  const before = performance.now();
  const job = await started({ seconds: 10, seed: 42, title: 'sunset theme' }, { image: await image(11) });
  assert.deepEqual([job.type, job.status], ['GENERATE_MUSIC', 'QUEUED']);
  const [id] = await succeeded(job.id);
  const wallMs = performance.now() - before;
  const asset = await assetOf(id);
  assert.deepEqual([asset.kind, asset.source, asset.title, asset.mime], ['AUDIO', 'GENERATED', 'sunset theme', 'audio/wav']);
  assert.equal(asset.sampleRate, 44100);
  assert.ok(asset.durationSeconds >= 10, `${asset.durationSeconds} s`);
  const g = asset.generation;
  assert.deepEqual([g.engine, g.bundle, g.encoder, g.seed], ['imagic', 'imagic-untrained@1', 'muvis-small@1', 42]);
  assert.deepEqual([g.parameters.seconds, g.parameters.count, g.parameters.variation, g.parameters.baseSeed, g.parameters.loop], [10, 1, 0, 42, false]);
  assert.deepEqual([g.parameters.temperature, g.parameters.topP, g.parameters.guidanceScale], [1, 0.95, 3], 'the engine defaults are recorded');
  assert.equal(g.sources.length, 1);
  assert.deepEqual([g.sources[0].role, g.sources[0].asset.kind, g.sources[0].asset.source], ['IMAGE', 'IMAGE', 'UPLOAD'], 'the uploaded image is kept as an asset');
  const midi = await download(g.midiUrl);
  assert.equal(ascii(midi, 0, 4), 'MThd');
  const wav = await download(asset.url);
  assert.deepEqual([ascii(wav, 0, 4), ascii(wav, 8, 12)], ['RIFF', 'WAVE']);

  const byAudio = await gqlUpload(server.url, 'query($a: Upload!) { searchMusicByAudio(audio: $a, first: 3) { score asset { id source } } }', { a: null },
    { 'variables.a': { bytes: wav, name: 'piece.wav', type: 'audio/wav' } });
  assert.equal(byAudio.errors, undefined, JSON.stringify(byAudio.errors));
  assert.equal(byAudio.data.searchMusicByAudio[0].asset.id, id, 'its own audio finds it first: embedded and indexed');
  const listed = await gql(server.url, '{ assets(filter: { sources: [GENERATED] }) { totalCount edges { node { id } } } }');
  assert.ok(listed.data.assets.edges.some((e: any) => e.node.id === id));
  console.log(`# generateMusic, 10 s from an upload, end to end over HTTP: ${(wallMs / 1000).toFixed(2)} s wall`);
});

test('from a stored image: the same seed twice gives the same MIDI (and asset); variations come in order with seeds seed, seed + 1, …', { skip }, async () => {
  const first = await succeeded((await started({ imageAssetId, seconds: 3, seed: 7, count: 2 })).id);
  const second = await succeeded((await started({ imageAssetId, seconds: 3, seed: 7, count: 2 })).id);
  assert.equal(first.length, 2);
  assert.deepEqual(second, first, 'identical pieces are one asset each');
  const [a, b] = await Promise.all(first.map(assetOf));
  assert.deepEqual([a.generation.seed, b.generation.seed], [7, 8]);
  assert.deepEqual([a.generation.parameters.variation, b.generation.parameters.variation], [0, 1]);
  assert.deepEqual([a.title, b.title], ['Music for sunset (1 of 2)', 'Music for sunset (2 of 2)']);
  assert.deepEqual(a.generation.sources.map((s: any) => [s.role, s.asset.id]), [['IMAGE', imageAssetId]]);
  // the MIDI is the engine's own: a third run with a fresh asset (other title, same seed) downloads the same bytes
  const midiA = await download(a.generation.midiUrl);
  const again = await succeeded((await started({ imageAssetId, seconds: 3, seed: 7 })).id);
  assert.deepEqual(Buffer.from(await download((await assetOf(again[0])).generation.midiUrl)), Buffer.from(midiA));
});

test('a MIDI prompt is continued: uploaded (no asset), or a GENERATED asset\'s own MIDI; a contradicting tempo is refused up front', { skip }, async () => {
  const [base] = await succeeded((await started({ imageAssetId, seconds: 3, seed: 3 })).id);
  const baseAsset = await assetOf(base);
  const midi = await download(baseAsset.generation.midiUrl);
  const uploaded = await succeeded((await started({ imageAssetId, seconds: 2, seed: 5 }, { prompt: { bytes: midi, name: 'idea.mid', type: 'audio/midi' } })).id);
  const u = (await assetOf(uploaded[0])).generation;
  assert.equal(u.parameters.prompt.kind, 'midi-upload');
  assert.ok(u.parameters.output.promptSeconds > 0, JSON.stringify(u.parameters.output));
  assert.deepEqual(u.sources.map((s: any) => [s.role, s.asset?.id ?? null]), [['IMAGE', imageAssetId], ['PROMPT', null]]);

  // another seed: with seed 5 this would be the very piece above (same image, prompt and seed), i.e. the same asset
  const continued = await succeeded((await started({ imageAssetId, seconds: 2, seed: 6, promptAssetId: base })).id);
  const c = (await assetOf(continued[0])).generation;
  assert.equal(c.parameters.prompt.kind, 'generated');
  assert.deepEqual(c.sources.map((s: any) => [s.role, s.asset?.id]), [['IMAGE', imageAssetId], ['PROMPT', base]]);

  const before = await snapshot();
  const bpm = midiPrompt(midi).attributes.bpm;
  const refused = await generate({ image: null, seconds: 2, tempo: bpm === 240 ? 239 : bpm + 1 }, { image: await image(12), prompt: { bytes: midi, name: 'idea.mid', type: 'audio/midi' } });
  assert.equal(codeOf(refused), 'BAD_USER_INPUT', JSON.stringify(refused));
  assert.match(refused.errors![0].message, new RegExp(`starts at ${bpm} BPM`));
  const garbled = await generate({ imageAssetId, seconds: 2 }, { prompt: { bytes: new Uint8Array([...Buffer.from('MThd'), 0, 0, 0, 6, 0, 1]), name: 'cut.mid', type: 'audio/midi' } });
  assert.equal(codeOf(garbled), 'BAD_USER_INPUT', JSON.stringify(garbled));
  assert.deepEqual(await snapshot(), before, 'nothing stored, no job');
});

test('a guide track (an AUDIO asset) is blended into the condition with its weight, and recorded as a source', { skip }, async () => {
  const [id] = await succeeded((await started({ imageAssetId, seconds: 2, seed: 9, guideAssetId: audioAssetId, guideWeight: 0.25 })).id);
  const g = (await assetOf(id)).generation;
  assert.equal(g.parameters.guideWeight, 0.25);
  assert.deepEqual(g.sources.map((s: any) => [s.role, s.asset.id]), [['IMAGE', imageAssetId], ['GUIDE', audioAssetId]]);
});

test('requests the engine or the limits would refuse are refused before a job exists, with stable codes, leaving nothing behind', { skip }, async () => {
  const before = await snapshot();
  const png = await image(21);
  const cases: [string, Promise<any>, string][] = [
    ['both image inputs', generate({ imageAssetId }, { image: png }), 'BAD_USER_INPUT'],
    ['no image', generate({ seconds: 2 }), 'BAD_USER_INPUT'],
    ['unknown image asset', generate({ imageAssetId: '00000000-0000-4000-8000-000000000000' }), 'NOT_FOUND'],
    ['audio asset as the image', generate({ imageAssetId: audioAssetId }), 'BAD_USER_INPUT'],
    ['image asset as the guide', generate({ imageAssetId, guideAssetId: imageAssetId }), 'BAD_USER_INPUT'],
    ['image asset as the prompt', generate({ imageAssetId, promptAssetId: imageAssetId }), 'BAD_USER_INPUT'],
    ['unknown library', generate({ imageAssetId, libraryId: '00000000-0000-4000-8000-000000000000' }), 'NOT_FOUND'],
    ['an audio upload as the image', generate({}, { image: tune(5) }), 'BAD_USER_INPUT'],
    ['seconds over the limit', generate({ imageAssetId, seconds: 61 }), 'BAD_USER_INPUT'],
    ['seconds under the limit', generate({ imageAssetId, seconds: 0.5 }), 'BAD_USER_INPUT'],
    ['too many variations', generate({ imageAssetId, count: 4 }), 'BAD_USER_INPUT'],
    ['negative seed', generate({ imageAssetId, seed: -1 }), 'BAD_USER_INPUT'],
    ['guideWeight without a guide', generate({ imageAssetId, guideWeight: 0.3 }), 'BAD_USER_INPUT'],
    ['guideWeight out of range', generate({ imageAssetId, guideAssetId: audioAssetId, guideWeight: 1.5 }), 'BAD_USER_INPUT'],
    ['tempo out of range', generate({ imageAssetId, tempo: 500 }), 'BAD_USER_INPUT'],
    ['unknown key', generate({ imageAssetId, key: 'H' }), 'BAD_USER_INPUT'],
    ['unknown style', generate({ imageAssetId, style: 'polka-dubstep' }), 'BAD_USER_INPUT'],
    ['temperature out of range', generate({ imageAssetId, temperature: 9 }), 'BAD_USER_INPUT'],
    ['topP out of range', generate({ imageAssetId, topP: 0 }), 'BAD_USER_INPUT'],
    ['an audio prompt with a tempo', generate({ imageAssetId, promptAssetId: audioAssetId, tempo: 100 }), 'BAD_USER_INPUT'],
    ['no key', generate({ imageAssetId }, {}, ''), 'UNAUTHENTICATED'],
    ['a read-only key', generate({ imageAssetId }, {}, readKey), 'FORBIDDEN'],
    ['a read-only key, with an upload', generate({}, { image: png }, readKey), 'FORBIDDEN'],
  ];
  for (const [what, request, code] of cases) {
    const r = await request;
    assert.equal(codeOf(r), code, `${what}: ${JSON.stringify(r)}`);
    assert.ok(r.errors[0].message.length > 10, `${what}: the message says what is wrong`);
  }
  assert.deepEqual(await snapshot(), before);
});

test('cancelJob: a QUEUED job is CANCELLED at once, a RUNNING one stops between decoder calls; nothing is left of either', { skip }, async () => {
  const before = await snapshot();
  const running = await started({ imageAssetId, seconds: 60, count: 3, seed: 1 });
  const queued = await started({ imageAssetId, seconds: 60, seed: 2 });
  // a loaded machine may answer a poll only after a variation or two: any of the first two leaves one to cancel
  const progressing = await waitForJob(running.id, (job) => job.status !== 'QUEUED' && /^bar \d+ of \d+, variation [12] of 3$/.test(job.message ?? ''));
  assert.equal(progressing.status, 'RUNNING', JSON.stringify(progressing));

  const q = await gql(server.url, `mutation($id: ID!) { cancelJob(id: $id) { ${JOB_FIELDS} } }`, { id: queued.id }, { key: writeKey });
  assert.equal(q.errors, undefined, JSON.stringify(q.errors));
  assert.equal(q.data.cancelJob.status, 'CANCELLED', 'a queued job is cancelled at once');
  const other = await gql(server.url, 'mutation($id: ID!) { cancelJob(id: $id) { id } }', { id: running.id }, { key: otherKey });
  assert.equal(codeOf(other), 'NOT_FOUND', 'another key\'s job');
  const r = await gql(server.url, `mutation($id: ID!) { cancelJob(id: $id) { ${JOB_FIELDS} } }`, { id: running.id }, { key: writeKey });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  assert.equal(r.data.cancelJob.status, 'RUNNING', 'a running job is asked to stop');
  const stopped = await waitForJob(running.id, (job) => TERMINAL.has(job.status), 10_000);
  assert.deepEqual([stopped.status, stopped.error, stopped.result], ['CANCELLED', null, null]);
  const again = await gql(server.url, 'mutation($id: ID!) { cancelJob(id: $id) { id } }', { id: running.id }, { key: writeKey });
  assert.equal(codeOf(again), 'CONFLICT');
  assert.equal((await waitForJob(queued.id)).status, 'CANCELLED', 'the queued job never ran');
  const after = await snapshot();
  assert.deepEqual({ ...after, jobs: before.jobs }, before, 'no asset, generation or media file is left of either');
  assert.equal(after.jobs, before.jobs + 2);
});

test('limits: unfinished generation jobs per key (TOO_MANY_REQUESTS) and in all (SERVICE_UNAVAILABLE), refused before any upload is stored', { skip }, async () => {
  const thirdKey = await server.key(['write']);
  const jobs = [await started({ imageAssetId, seconds: 60, count: 3 }), await started({ imageAssetId, seconds: 60, count: 3 })];
  const before = await snapshot();
  const perKey = await generate({}, { image: await image(31) });
  assert.equal(codeOf(perKey), 'TOO_MANY_REQUESTS', JSON.stringify(perKey));
  jobs.push(await started({ imageAssetId, seconds: 60 }, {}, otherKey));
  const full = await generate({}, { image: await image(32) }, thirdKey);
  assert.equal(codeOf(full), 'SERVICE_UNAVAILABLE', JSON.stringify(full));
  assert.deepEqual({ ...(await snapshot()), jobs: before.jobs }, before, 'the refused uploads were not stored');
  for (const [i, job] of jobs.entries()) {
    await gql(server.url, 'mutation($id: ID!) { cancelJob(id: $id) { id } }', { id: job.id }, { key: i < 2 ? writeKey : otherKey });
  }
  for (const job of jobs) assert.equal((await waitForJob(job.id)).status, 'CANCELLED');
  await succeeded((await started({ imageAssetId, seconds: 3, seed: 7 }, {}, thirdKey)).id); // places are free again (a seed known to give notes with the untrained bundle)
});

test('deleting a generated asset removes its MIDI file too; its sources stay', { skip }, async () => {
  const [id] = await succeeded((await started({ imageAssetId, seconds: 2, seed: 123456 })).id);
  const midiUrl = (await assetOf(id)).generation.midiUrl;
  await download(midiUrl);
  const del = await gql(server.url, 'mutation($id: ID!) { deleteAsset(id: $id) }', { id }, { key: writeKey });
  assert.equal(del.errors, undefined, JSON.stringify(del.errors));
  assert.equal((await fetch(midiUrl)).status, 404);
  assert.ok(await assetOf(imageAssetId));
});

test('an audio prompt is transcribed and continued: an upload (kept as an UPLOAD asset) or a stored clip', { skip }, async () => {
  const job = await started({ imageAssetId, seconds: 2, seed: 11 }, { prompt: tune(8, 4) });
  const seen: string[] = [];
  const done = await waitForJob(job.id, (j) => {
    if (j.message && !seen.includes(j.message)) seen.push(j.message);
    return TERMINAL.has(j.status);
  }, 300_000);
  assert.equal(done.status, 'SUCCEEDED', JSON.stringify(done));
  const g = (await assetOf(done.result.assetIds[0])).generation;
  assert.equal(g.parameters.prompt.kind, 'audio');
  const prompt = g.sources.find((s: any) => s.role === 'PROMPT');
  assert.deepEqual([prompt.asset.kind, prompt.asset.source], ['AUDIO', 'UPLOAD']);
  assert.ok(g.parameters.output.promptSeconds > 0, JSON.stringify(g.parameters.output));
  assert.ok(seen.some((m) => m.startsWith('transcribing the audio prompt')), seen.join(' | '));

  const [stored] = await succeeded((await started({ imageAssetId, seconds: 2, seed: 11, promptAssetId: audioAssetId })).id);
  const s = (await assetOf(stored)).generation;
  assert.equal(s.parameters.prompt.kind, 'audio');
  assert.deepEqual(s.sources.map((x: any) => [x.role, x.asset.id]), [['IMAGE', imageAssetId], ['PROMPT', audioAssetId]]);
});

/** a models folder with the search bundle (and the generators' pinned muvis-small) but no models/default-imagic
 * (as before an Imagic bundle shipped) */
function modelsWithoutImagic(): string {
  const dir = tempDir('muse-models-');
  for (const name of new Set([TEST_MODEL, 'muvis-small'])) symlinkSync(join(REPO_ROOT, 'models', name), join(dir, name));
  writeFileSync(join(dir, 'default'), `${TEST_MODEL}\n`);
  return dir;
}

test('without an engine, generateMusic is SERVICE_UNAVAILABLE and says how to get a bundle', async () => {
  for (const env of [{ MUSE_MODELS_DIR: modelsWithoutImagic() }, { MUSE_IMAGIC_BUNDLE: join(tempDir('muse-no-bundle-'), 'missing') }]) {
    const dataDir = tempDir();
    const api = await startTestApi(dataDir, env);
    try {
      const key = await api.key(['write']);
      const r = await gqlUpload(api.url, GENERATE, { input: { image: null } }, { 'variables.input.image': await image(1) }, { key });
      assert.equal(codeOf(r), 'SERVICE_UNAVAILABLE', JSON.stringify(r));
      assert.match(r.errors![0].message, /npm run train:imagic/);
      assert.match(r.errors![0].message, /MUSE_IMAGIC_BUNDLE/);
      assert.ok(!r.errors![0].message.includes(dataDir) && !r.errors![0].message.includes(REPO_ROOT), 'no server paths');
      assert.equal(await api.api.core.db.prisma.asset.count(), 0, 'the upload was not stored');
    } finally {
      await api.close();
      removeDir(dataDir);
    }
  }
});

test('a restart keeps generated MIDI files (the start-up sweep knows them) and resumes a generation that shutdown interrupted', { skip }, async () => {
  const dataDir = tempDir();
  try {
    let api = await startTestApi(dataDir, ENV);
    const key = await api.key(['read', 'write']);
    const run = async (input: Record<string, unknown>) => {
      const r = await gqlUpload(api.url, GENERATE, { input: { ...input, image: null } }, { 'variables.input.image': await image(41) }, { key });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      return r.data.generateMusic.id as string;
    };
    const poll = async (id: string, until: (job: any) => boolean) => {
      for (let i = 0; i < 2400; i++) {
        const job = (await gql(api.url, `query($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`, { id })).data.job;
        if (until(job)) return job;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`job ${id} did not get there`);
    };
    const first = await poll(await run({ seconds: 2, seed: 42 }), (job) => TERMINAL.has(job.status));
    assert.equal(first.status, 'SUCCEEDED', JSON.stringify(first));
    const long = await run({ seconds: 60, count: 3, seed: 2 });
    await poll(long, (job) => job.status === 'RUNNING' && job.progress > 0.05);
    const closing = Date.now();
    await api.close();
    const closeMs = Date.now() - closing;
    assert.ok(closeMs < 5000, `close took ${closeMs} ms with a generation running`);

    api = await startTestApi(dataDir, ENV);
    try {
      const asset = (await gql(api.url, ASSET, { id: first.result.assetIds[0] })).data.asset;
      assert.equal((await fetch(asset.generation.midiUrl)).status, 200, 'the MIDI survived the sweep');
      const resumed = await poll(long, (job) => TERMINAL.has(job.status));
      assert.deepEqual([resumed.status, resumed.result?.assetIds.length, resumed.attempts], ['SUCCEEDED', 3, 1], 'an interruption is not an attempt');
    } finally {
      await api.close();
    }
  } finally {
    removeDir(dataDir);
  }
});

test("myGenerations: the calling key's generated music, newest first; other keys' stay out; no key is UNAUTHENTICATED", { skip }, async () => {
  const MINE = 'query($first: Int!) { myGenerations(first: $first) { id source generation { seed } } }';
  const ids = async (key?: string, first = 100) => {
    const r = await gql(server.url, MINE, { first }, key ? { key } : {});
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data.myGenerations.map((a: any) => a.id) as string[];
  };
  const older = await succeeded((await started({ imageAssetId, seconds: 2, seed: 90001 }, {}, otherKey)).id);
  const newer = await succeeded((await started({ imageAssetId, seconds: 2, seed: 90002, count: 2 }, {}, otherKey)).id);
  const mine = await ids(otherKey);
  assert.deepEqual(mine.slice(0, 3), [...newer, ...older], 'newest job first, its variations in order');
  assert.deepEqual(await ids(otherKey, 2), newer);
  assert.deepEqual(await ids(readKey), [], 'a key that generated nothing has no history');
  assert.ok(!(await ids(writeKey)).some((id) => [...older, ...newer].includes(id)), "another key's pieces are not in its history");

  const anonymous = await gql(server.url, MINE, { first: 5 });
  assert.equal(codeOf(anonymous), 'UNAUTHENTICATED', JSON.stringify(anonymous));
  assert.equal(codeOf(await gql(server.url, MINE, { first: 0 }, { key: otherKey })), 'BAD_USER_INPUT');
  assert.equal(codeOf(await gql(server.url, MINE, { first: 101 }, { key: otherKey })), 'BAD_USER_INPUT');
});
