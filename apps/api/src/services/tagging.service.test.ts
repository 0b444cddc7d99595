import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AssetRepository } from '../repositories/asset.repository.js';
import type { Job, JobRepository } from '../repositories/job.repository.js';
import type { LibraryRepository } from '../repositories/library.repository.js';
import type { TagRepository } from '../repositories/tag.repository.js';
import { InProcessJobRunner } from '../jobs/in-process-job-runner.js';
import type { EmbedService } from './embed.service.js';
import { JobService, type JobHandler } from './job.service.js';
import { TAG_ASSETS_JOB, TAG_NEIGHBOURS, TaggingService, type TagAssetsResult, type TagSuggestion } from './tagging.service.js';
import { FakeLibraryRepository, FakeTagRepository, LIMITS, searchFixture, towards, unit } from './testing/fakes.js';
import { FakeJobRepository, recordingLogger, until } from './testing/jobs.js';
import { OLD_BUNDLE, seedAsset } from './testing/world.js';

/** Records what the tagging service registers and queues, in place of the JobService. */
class FakeJobs {
  readonly handlers = new Map<string, JobHandler>();
  readonly enqueued: { type: string; input: unknown }[] = [];

  register(type: string, handler: JobHandler): void {
    this.handlers.set(type, handler);
  }

  async enqueue(type: string, input: unknown): Promise<Job> {
    this.enqueued.push({ type, input });
    return { id: randomUUID(), type, status: 'QUEUED' } as Job;
  }
}

/**
 * Image Q at (1, 0, 0) carries the USER tag "self". Its audio neighbours: A1 (cos 0.9; calm, piano),
 * A2 (0.85; calm), A3 (0.5; loud). An image I1 (0.99; decoy) is closer than all of them but of
 * Q's own modality. Image Q2 at (0, 0, 1) is equally far (cos 0) from every audio.
 */
function setup(jobs: { register(type: string, handler: JobHandler): void } = new FakeJobs()) {
  const f = searchFixture();
  const { world, index, assets, embed, search } = f;
  const libraries = new FakeLibraryRepository(world);
  const service = new TaggingService(
    search,
    embed as unknown as EmbedService,
    assets as unknown as AssetRepository,
    new FakeTagRepository(world) as unknown as TagRepository,
    libraries as unknown as LibraryRepository,
    jobs as unknown as JobService,
    LIMITS.maxResults,
  );
  const q = seedAsset(world, index, { kind: 'IMAGE', vector: towards(1), tags: [{ name: 'self', origin: 'USER', score: 1 }] });
  const q2 = seedAsset(world, index, { kind: 'IMAGE', vector: unit(0, 0, 1) });
  const i1 = seedAsset(world, index, { kind: 'IMAGE', vector: towards(0.99), tags: ['decoy'] });
  const a1 = seedAsset(world, index, { kind: 'AUDIO', vector: towards(0.9), tags: ['calm', 'piano'] });
  const a2 = seedAsset(world, index, { kind: 'AUDIO', vector: towards(0.85), tags: ['calm'] });
  const a3 = seedAsset(world, index, { kind: 'AUDIO', vector: towards(0.5), tags: ['loud'] });
  return { ...f, libraries, service, jobs, q, q2, i1, a1, a2, a3 };
}

/** Q's expected scores: softmax (temperature 0.05) weights of its audio neighbours, summed per tag. */
function expectedForQ(): TagSuggestion[] {
  const w = [0.9, 0.85, 0.5].map((s) => Math.exp((s - 0.9) / 0.05));
  const total = w[0] + w[1] + w[2];
  return [
    { name: 'calm', score: (w[0] + w[1]) / total },
    { name: 'piano', score: w[0] / total },
    { name: 'loud', score: w[2] / total },
  ];
}

function assertScores(actual: TagSuggestion[], expected: TagSuggestion[]): void {
  assert.deepEqual(actual.map((t) => t.name), expected.map((t) => t.name));
  actual.forEach((t, i) => assert.ok(Math.abs(t.score - expected[i].score) < 1e-5, `${t.name}: ${t.score} vs ${expected[i].score}`));
}

const code = (expected: string) => (err: unknown) => {
  assert.equal((err as { code?: string }).code, expected, String(err));
  return true;
};

test('suggest takes exactly one of file and assetId, and checks `first`, before any work', async () => {
  const s = setup();
  const bytes = s.embed.define('a song', 'AUDIO', towards(1));
  await assert.rejects(s.service.suggest({}, 5), /exactly one of file or assetId/);
  await assert.rejects(s.service.suggest({ bytes, assetId: s.q.id }, 5), code('BAD_USER_INPUT'));
  await assert.rejects(s.service.suggest({ bytes }, 0), code('BAD_USER_INPUT'));
  await assert.rejects(s.service.suggest({ assetId: s.q.id }, LIMITS.maxResults + 1), code('BAD_USER_INPUT'));
  assert.deepEqual([s.embed.uploads.length, s.assets.calls.length, s.index.searches.length], [0, 0, 0]);
});

test('a stored image gets softmax-weighted shares of its audio neighbours\' tags, best first, each in [0, 1]', async () => {
  const s = setup();
  const tags = await s.service.suggest({ assetId: s.q.id }, 10);
  assertScores(tags, expectedForQ());
  for (const t of tags) assert.ok(t.score >= 0 && t.score <= 1);
  assert.ok(!tags.some((t) => t.name === 'decoy'), 'neighbours of its own modality do not vote');
  assert.ok(!tags.some((t) => t.name === 'self'), 'its own tags do not vote');
  assert.deepEqual(s.index.searches, [{ modality: 'AUDIO', k: TAG_NEIGHBOURS }], 'a fixed neighbourhood, whatever `first` is');
});

test('suggest returns at most `first` tags, the best ones', async () => {
  const s = setup();
  assertScores(await s.service.suggest({ assetId: s.q.id }, 2), expectedForQ().slice(0, 2));
});

test('equal scores are ordered by name', async () => {
  const s = setup();
  // Q2 is equally close to all three audios: calm 2/3, and loud and piano 1/3 each
  const tags = await s.service.suggest({ assetId: s.q2.id }, 10);
  assert.deepEqual(tags.map((t) => t.name), ['calm', 'loud', 'piano']);
  assert.ok(Math.abs(tags[0].score - 2 / 3) < 1e-9);
  assert.equal(tags[1].score, tags[2].score);
});

test('a tag every neighbour carries scores 1 at most (the shares are clamped to [0, 1])', async () => {
  const s = setup();
  for (const a of [s.a1, s.a2, s.a3]) s.world.upsertTags(a.id, [{ name: 'everywhere', origin: 'CORPUS', score: 1 }]);
  const [top] = await s.service.suggest({ assetId: s.q.id }, 1);
  assert.equal(top.name, 'everywhere');
  assert.ok(top.score <= 1 && top.score > 1 - 1e-9, String(top.score));
});

test('an uploaded audio file gets its tags from the nearest images, its kind taken from the file', async () => {
  const s = setup();
  const bytes = s.embed.define('a song', 'AUDIO', towards(1));
  const tags = await s.service.suggest({ bytes }, 10);
  assert.deepEqual(s.embed.uploads, [{ text: 'a song' }], 'either kind is accepted');
  assert.deepEqual(s.index.searches, [{ modality: 'IMAGE', k: TAG_NEIGHBOURS }]);
  assert.deepEqual(tags.map((t) => t.name), ['self', 'decoy']);
});

test('the query asset never votes for itself, even when the search returns it', async () => {
  const s = setup();
  const expected = await s.service.suggest({ assetId: s.q.id }, 10);
  const nearest = s.search.nearest.bind(s.search);
  const self = s.world.row(s.q.id)!;
  s.search.nearest = async (...args) => [{ score: 1, asset: self }, ...(await nearest(...args))];
  const tags = await s.service.suggest({ assetId: s.q.id }, 10);
  assert.deepEqual(tags, expected, 'no "self" tag, and the softmax is taken from the best other neighbour');
});

test('no neighbours of the other modality, no suggestions; an unknown asset is NOT_FOUND', async () => {
  const s = setup();
  for (const a of [s.a1, s.a2, s.a3]) s.index.remove('AUDIO', a.label!);
  assert.deepEqual(await s.service.suggest({ assetId: s.q.id }, 10), []);
  await assert.rejects(s.service.suggest({ assetId: randomUUID() }, 10), code('NOT_FOUND'));
});

test('tagAssets applies only tags scoring at least minScore, as PREDICTED with their scores, and counts them', async () => {
  const s = setup();
  const gone = randomUUID(); // deleted after the job was queued
  const stale = seedAsset(s.world, s.index, { kind: 'IMAGE', vector: towards(1), key: OLD_BUNDLE }).id; // no vector for this bundle
  const progress: number[] = [];
  const result = await s.service.tagAssets({ assetIds: [s.q.id, gone, s.q2.id, stale], minScore: 0.7, apply: true, maxTagsPerAsset: 5 }, async (f) => {
    progress.push(f);
  });
  const [calm, piano] = expectedForQ();
  assert.deepEqual([result.processed, result.tagged, result.tagsApplied], [4, 1, 2]);
  assert.deepEqual(s.world.tagsOf(s.q.id), ['calm:PREDICTED', 'piano:PREDICTED', 'self:USER']);
  const predicted = s.world.tags.filter((t) => t.assetId === s.q.id && t.origin === 'PREDICTED');
  assertScores(predicted, [calm, piano]);
  assert.deepEqual(s.world.tagsOf(s.q2.id), [], 'calm at 2/3 is below 0.7');
  assert.deepEqual(result.assets.map((a) => [a.assetId, a.tags.map((t) => t.name)]), [
    [s.q.id, ['calm', 'piano']],
    [s.q2.id, []],
  ]);
  assert.deepEqual(progress, [0.25, 0.5, 0.75, 1], 'progress after every asset, skipped ones included');
});

test('tagAssets keeps a tag scoring exactly minScore', async () => {
  const s = setup();
  // Q2's tags: calm 2/3, loud 1/3, piano 1/3
  const result = await s.service.tagAssets({ assetIds: [s.q2.id], minScore: 1 / 3, apply: true, maxTagsPerAsset: 5 }, async () => {});
  assert.deepEqual(result.assets[0].tags.map((t) => t.name), ['calm', 'loud', 'piano']);
  assert.equal(result.tagsApplied, 3);
});

test('tagAssets without apply reports what it would tag and writes nothing', async () => {
  const s = setup();
  const result = await s.service.tagAssets({ assetIds: [s.q.id, s.q2.id], minScore: 0.5, apply: false, maxTagsPerAsset: 5 }, async () => {});
  assert.deepEqual([result.processed, result.tagged, result.tagsApplied], [2, 2, 0]);
  assert.deepEqual(result.assets.map((a) => a.tags.map((t) => t.name)), [['calm', 'piano'], ['calm']]);
  assert.ok(!s.assets.calls.includes('addTags'));
});

test('tagAssets keeps at most maxTagsPerAsset tags per asset', async () => {
  const s = setup();
  const result = await s.service.tagAssets({ assetIds: [s.q.id], minScore: 0, apply: true, maxTagsPerAsset: 1 }, async () => {});
  assert.equal(result.tagsApplied, 1);
  assert.deepEqual(s.world.tagsOf(s.q.id), ['calm:PREDICTED', 'self:USER']);
});

test('tagAssets lists at most 500 assets in its result, while its counts cover them all', async () => {
  const s = setup();
  const many = Array.from({ length: 501 }, () => seedAsset(s.world, s.index, { kind: 'IMAGE', vector: towards(1) }).id);
  const result = await s.service.tagAssets({ assetIds: many, minScore: 0.7, apply: false, maxTagsPerAsset: 5 }, async () => {});
  assert.deepEqual([result.processed, result.tagged, result.assets.length], [501, 501, 500]);
  assert.deepEqual(result.assets.map((a) => a.assetId), many.slice(0, 500));
});

test('tagAssets skips only assets that are NOT_FOUND: any other failure fails the job', async () => {
  const s = setup();
  s.embeddings.failForAsset = new Error('database unavailable');
  await assert.rejects(s.service.tagAssets({ assetIds: [s.q.id], minScore: 0, apply: true, maxTagsPerAsset: 5 }, async () => {}), /database unavailable/);
});

test('startTagJob checks minScore and maxTagsPerAsset before looking anything up', async () => {
  const s = setup();
  const jobs = s.jobs as FakeJobs;
  for (const minScore of [-0.01, 1.01, Number.NaN]) {
    await assert.rejects(s.service.startTagJob({ assetIds: [s.q.id], minScore, apply: true, maxTagsPerAsset: 5 }), /minScore must be in \[0, 1\]/);
  }
  for (const maxTagsPerAsset of [0, LIMITS.maxResults + 1, 1.5]) {
    await assert.rejects(s.service.startTagJob({ assetIds: [s.q.id], minScore: 0.5, apply: true, maxTagsPerAsset }), new RegExp(`maxTagsPerAsset must be between 1 and ${LIMITS.maxResults}`));
  }
  assert.deepEqual([s.assets.calls, s.libraries.calls, jobs.enqueued], [[], [], []]);
  // the bounds themselves are accepted
  await s.service.startTagJob({ assetIds: [s.q.id], minScore: 0, apply: true, maxTagsPerAsset: LIMITS.maxResults });
  await s.service.startTagJob({ assetIds: [s.q.id], minScore: 1, apply: true, maxTagsPerAsset: 1 });
  assert.equal(jobs.enqueued.length, 2);
});

test('startTagJob takes exactly one of assetIds (non-empty) and libraryId', async () => {
  const s = setup();
  const library = s.world.addLibrary('l');
  const base = { minScore: 0.5, apply: true, maxTagsPerAsset: 5 };
  for (const targets of [{}, { assetIds: [] }, { assetIds: [s.q.id], libraryId: library.id }]) {
    await assert.rejects(s.service.startTagJob({ ...base, ...targets }), /give exactly one of assetIds or libraryId/);
  }
  assert.equal((s.jobs as FakeJobs).enqueued.length, 0);
});

test('startTagJob refuses unknown asset ids (naming them) and queues the known ones once each', async () => {
  const s = setup();
  const jobs = s.jobs as FakeJobs;
  const missing = [randomUUID(), randomUUID()];
  await assert.rejects(
    s.service.startTagJob({ assetIds: [s.q.id, ...missing], minScore: 0.5, apply: true, maxTagsPerAsset: 5 }),
    (err: Error) => code('NOT_FOUND')(err) && missing.every((id) => err.message.includes(id)),
  );
  assert.equal(jobs.enqueued.length, 0);
  const job = await s.service.startTagJob({ assetIds: [s.q.id, s.q2.id, s.q.id], minScore: 0.25, apply: false, maxTagsPerAsset: 3 });
  assert.equal(job.type, TAG_ASSETS_JOB);
  assert.deepEqual(jobs.enqueued, [{ type: TAG_ASSETS_JOB, input: { assetIds: [s.q.id, s.q2.id], minScore: 0.25, apply: false, maxTagsPerAsset: 3 } }]);
});

test('startTagJob resolves a library into its asset ids, in the library\'s order; an unknown library is NOT_FOUND', async () => {
  const s = setup();
  const jobs = s.jobs as FakeJobs;
  const library = s.world.addLibrary('l');
  s.world.link(library.id, [s.a2.id, s.q.id]);
  await s.service.startTagJob({ libraryId: library.id, assetIds: [], minScore: 0.5, apply: true, maxTagsPerAsset: 5 });
  assert.deepEqual((jobs.enqueued[0].input as { assetIds: string[] }).assetIds, [s.a2.id, s.q.id]);
  await assert.rejects(s.service.startTagJob({ libraryId: randomUUID(), minScore: 0.5, apply: true, maxTagsPerAsset: 5 }), code('NOT_FOUND'));
  assert.equal(jobs.enqueued.length, 1);
});

test('the service registers tagAssets as the TAG_ASSETS job handler', async () => {
  const s = setup();
  const handler = (s.jobs as FakeJobs).handlers.get(TAG_ASSETS_JOB);
  assert.ok(handler);
  const result = (await handler({ assetIds: [s.q.id], minScore: 0.7, apply: true, maxTagsPerAsset: 5 }, async () => {}, new AbortController().signal)) as TagAssetsResult;
  assert.equal(result.tagsApplied, 2);
});

test('a TAG_ASSETS job queued through the JobService runs to SUCCEEDED with its result', async () => {
  const repo = new FakeJobRepository();
  const jobs = new JobService(repo as unknown as JobRepository, new InProcessJobRunner(), recordingLogger().logger, { leaseMs: 60_000, exclusiveDatabase: false });
  const s = setup(jobs);
  await jobs.start();
  const job = await s.service.startTagJob({ assetIds: [s.q.id, s.q2.id], minScore: 0.7, apply: true, maxTagsPerAsset: 5 });
  await until(() => repo.jobs.get(job.id)!.status === 'SUCCEEDED', 'the job to finish');
  const done = repo.jobs.get(job.id)!;
  assert.deepEqual([done.progress, (done.result as unknown as TagAssetsResult).tagsApplied], [1, 2]);
  assert.deepEqual(s.world.tagsOf(s.q.id), ['calm:PREDICTED', 'piano:PREDICTED', 'self:USER']);
  await jobs.close();
});
