// jobUpdated over a real websocket (graphql-ws on /graphql, issue 20): the job's state at once, progress per bar,
// the terminal state last and then completion; changes made by another process seen through the row; the API key
// in connectionParams; only subscriptions over the socket; websockets closed at shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { gql, gqlUpload, image, REPO_ROOT, removeDir, serveTestApi, startTestApi, tempDir } from './harness.js';

const BUNDLE = process.env.IMAGIC_TEST_BUNDLE ?? join(REPO_ROOT, 'data/imagic/bundles/imagic-untrained');
const skip = existsSync(join(BUNDLE, 'manifest.json')) ? false : `no Imagic bundle at ${BUNDLE}: run \`.ci/run\` or set IMAGIC_TEST_BUNDLE`;
const ENV = { MUSE_IMAGIC_BUNDLE: BUNDLE, MUSE_GENERATE_MIN_SECONDS: '1', MUSE_READS_REQUIRE_KEY: 'true', MUSE_JOB_WATCH_POLL_MS: '100' };

const JOB_UPDATED = 'subscription($id: ID!) { jobUpdated(id: $id) { id status progress message error result } }';
const GENERATE = 'mutation($input: GenerateMusicInput!) { generateMusic(input: $input) { id status } }';

let key = '';
let imageAssetId = '';
/** a job another process runs (its lease is live, so this API's recovery leaves it alone) */
const ELSEWHERE = { type: 'ELSEWHERE', input: {}, status: 'RUNNING' as const, leaseOwner: 'another-host:1:abcd', leaseExpiresAt: new Date(Date.now() + 3_600_000) };
const server = serveTestApi(ENV, async (s) => {
  key = await s.key(['read', 'write']);
  const r = await gqlUpload(s.url, 'mutation($f: Upload!) { ingestAsset(file: $f) { id } }', { f: null }, { 'variables.f': await image(3) }, { key });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  imageAssetId = r.data.ingestAsset.id;
});

const wsUrl = (httpUrl: string) => `${httpUrl.replace(/^http/, 'ws')}/graphql`;

function client(url: string, connectionParams: Record<string, unknown> = { Authorization: `Bearer ${key}` }): Client {
  return createClient({ url: wsUrl(url), webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
}

interface Outcome {
  values: any[];
  errors: any[];
  completed: boolean;
}

/** Runs one subscription to its end (complete or error), collecting what it yields. */
function follow(c: Client, query: string, variables: Record<string, unknown>, onValue: (value: any) => void = () => undefined): Promise<Outcome> {
  const outcome: Outcome = { values: [], errors: [], completed: false };
  return new Promise((resolve) => {
    c.subscribe({ query, variables }, {
      next: (result: any) => {
        if (result.errors) outcome.errors.push(...result.errors);
        if (result.data) {
          outcome.values.push(result.data.jobUpdated);
          onValue(result.data.jobUpdated);
        }
      },
      error: (err: any) => {
        outcome.errors.push(...(Array.isArray(err) ? err : [{ message: String(err?.reason ?? err?.message ?? err), code: err?.code }]));
        resolve(outcome);
      },
      complete: () => {
        outcome.completed = true;
        resolve(outcome);
      },
    });
  });
}

test('jobUpdated follows a generation: its state at once, progress per bar, SUCCEEDED last, then completes', { skip }, async () => {
  const c = client(server.url);
  try {
    const job = await gql(server.url, GENERATE, { input: { imageAssetId, seconds: 40, count: 2, seed: 4 } }, { key });
    assert.equal(job.errors, undefined, JSON.stringify(job.errors));
    const id = job.data.generateMusic.id;
    const outcome = await follow(c, JOB_UPDATED, { id });
    assert.deepEqual(outcome.errors, []);
    assert.ok(outcome.completed, 'the subscription completes after the terminal state');
    const { values } = outcome;
    assert.ok(['QUEUED', 'RUNNING'].includes(values[0].status), 'the current state comes at once');
    const last = values.at(-1);
    assert.deepEqual([last.status, last.progress, last.message], ['SUCCEEDED', 1, null]);
    assert.equal(last.result.assetIds.length, 2);
    assert.ok(values.slice(0, -1).every((v) => v.status !== 'SUCCEEDED'));
    const progress = values.map((v) => v.progress);
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b), `progress never goes back: ${progress.join(', ')}`);
    // writes are throttled (at most one per 200 ms), so a quick job shows only some of its bars
    const messages = values.map((v) => v.message).join(' | ');
    assert.ok(values.some((v) => /^bar \d+ of \d+, variation [12] of 2$/.test(v.message ?? '')), `progress per bar: ${messages}`);
    assert.ok(values.some((v) => v.status === 'RUNNING' && v.progress > 0 && v.progress < 1), `progress on the way: ${progress.join(', ')}`);
  } finally {
    await c.dispose();
  }
});

test('a change another process makes to the job row reaches the subscriber (the row is polled)', async () => {
  const prisma = server.api.core.db.prisma;
  // a job no runner here knows, under a live lease: as if a BullMQ worker elsewhere ran it
  const row = await prisma.job.create({ data: ELSEWHERE });
  const c = client(server.url);
  try {
    const seen: string[] = [];
    const done = follow(c, JOB_UPDATED, { id: row.id }, (v) => {
      seen.push(`${v.status} ${v.progress}`);
      // (a Prisma query runs only when awaited or then-ed)
      if (seen.length === 1) prisma.job.update({ where: { id: row.id }, data: { progress: 0.5, message: 'half way' } }).then(() => undefined);
      if (v.progress === 0.5) prisma.job.update({ where: { id: row.id }, data: { status: 'FAILED', error: 'the worker gave up' } }).then(() => undefined);
    });
    const outcome = await done;
    assert.deepEqual(seen, ['RUNNING 0', 'RUNNING 0.5', 'FAILED 0.5']);
    assert.equal(outcome.values.at(-1).error, 'the worker gave up');
    assert.ok(outcome.completed);
  } finally {
    await c.dispose();
  }
});

test('a cancelled job ends its subscription with CANCELLED', { skip }, async () => {
  const c = client(server.url);
  try {
    const job = await gql(server.url, GENERATE, { input: { imageAssetId, seconds: 60, count: 3 } }, { key });
    const id = job.data.generateMusic.id;
    const outcome = await follow(c, JOB_UPDATED, { id }, (v) => {
      if (v.status === 'RUNNING' && v.progress > 0) void gql(server.url, 'mutation($id: ID!) { cancelJob(id: $id) { id } }', { id }, { key });
    });
    assert.equal(outcome.values.at(-1).status, 'CANCELLED');
    assert.ok(outcome.completed);
  } finally {
    await c.dispose();
  }
});

test('the key travels in connectionParams: none or a bad one is UNAUTHENTICATED; an unknown job NOT_FOUND; queries are refused', async () => {
  const row = await server.api.core.db.prisma.job.create({ data: ELSEWHERE });
  const codes = async (c: Client, query: string, variables: Record<string, unknown>) => {
    try {
      return (await follow(c, query, variables)).errors.map((e) => e.extensions?.code ?? e.code);
    } finally {
      await c.dispose();
    }
  };
  assert.deepEqual(await codes(client(server.url, {}), JOB_UPDATED, { id: row.id }), ['UNAUTHENTICATED']);
  assert.deepEqual(await codes(client(server.url, { authorization: 'Bearer muse_not-a-key' }), JOB_UPDATED, { id: row.id }), ['UNAUTHENTICATED']);
  assert.deepEqual(await codes(client(server.url), JOB_UPDATED, { id: '00000000-0000-4000-8000-000000000000' }), ['NOT_FOUND']);
  assert.deepEqual(await codes(client(server.url), 'query { stats { images } }', {}), ['BAD_REQUEST']);
  assert.deepEqual(await codes(client(server.url), 'subscription { jobUpdated(id: 1) { nope } }', {}), ['GRAPHQL_VALIDATION_FAILED']);
  assert.deepEqual(await codes(client(server.url), JOB_UPDATED, {}), ['BAD_USER_INPUT']);
});

test('closing the API closes its websockets (1001) and completes promptly with a subscription open', async () => {
  const dataDir = tempDir();
  const api = await startTestApi(dataDir, { MUSE_JOB_WATCH_POLL_MS: '60000' });
  try {
    const row = await api.api.core.db.prisma.job.create({ data: ELSEWHERE });
    const closed = new Promise<number>((resolve) => {
      const c = createClient({ url: wsUrl(api.url), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, on: { closed: (event: any) => resolve(event.code) } });
      c.subscribe({ query: JOB_UPDATED, variables: { id: row.id } }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    });
    const subscribed = Date.now() + 10_000;
    while (api.api.core.services.jobs['watches'] === 0 && Date.now() < subscribed) await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    await api.close();
    assert.ok(Date.now() - started < 5000, `close took ${Date.now() - started} ms`);
    assert.equal(await closed, 1001);
  } finally {
    removeDir(dataDir);
  }
});
