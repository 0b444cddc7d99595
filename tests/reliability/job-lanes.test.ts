// Job lanes over a real Redis: a worker process running a long batch job (a generation) still
// takes an interactive one (an upload's ingest) at once, from its own queue; each lane still runs
// one job at a time, and an enqueue-only replica adds to both queues.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { BullMqEnqueueOnlyRunner, BullMqJobRunner, laneQueueName } from '../../apps/api/src/jobs/bullmq-job-runner.js';
import { freePort, killAndWait, startRedis } from '../api/redis-server.js';

let redis: ChildProcess;
let redisUrl: string;

before(async () => {
  const port = await freePort();
  redis = await startRedis(port);
  redisUrl = `redis://127.0.0.1:${port}`;
});

after(async () => {
  await killAndWait(redis);
});

/** execute() for a runner: each job id waits until released; records starts and ends in order. */
function gates() {
  const order: string[] = [];
  const releases = new Map<string, () => void>();
  const started = new Set<string>();
  return {
    order,
    started,
    release: (id: string) => releases.get(id)?.(),
    execute: async (id: string) => {
      order.push(`${id} start`);
      started.add(id);
      await new Promise<void>((resolve) => releases.set(id, resolve));
      order.push(`${id} end`);
    },
  };
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('an interactive job runs while a batch job holds the worker; each lane runs one job at a time, in order', { timeout: 60_000 }, async () => {
  const queueName = 'lanes-one';
  const errors: Error[] = [];
  const worker = new BullMqJobRunner(redisUrl, queueName, (err) => errors.push(err));
  const replica = new BullMqEnqueueOnlyRunner(redisUrl, queueName, (err) => errors.push(err));
  const jobs = gates();
  await worker.start(jobs.execute);
  await replica.start(async () => assert.fail('an enqueue-only runner runs nothing'));
  try {
    await replica.dispatch('generation-1', 0, 'batch');
    await replica.dispatch('generation-2', 0, 'batch');
    await until('the first generation to start', () => jobs.started.has('generation-1'));
    await replica.dispatch('ingest-1', 0, 'interactive');
    await replica.dispatch('ingest-2', 0, 'interactive');
    await until('the first ingest to start', () => jobs.started.has('ingest-1'));
    // the generation still holds the batch lane; the second ingest waits for the first, not for it
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(!jobs.started.has('ingest-2') && !jobs.started.has('generation-2'), `one job at a time per lane: ${jobs.order}`);
    jobs.release('ingest-1');
    await until('the second ingest to start', () => jobs.started.has('ingest-2'));
    jobs.release('ingest-2');
    await until('both ingests to end', () => jobs.order.includes('ingest-2 end'));
    assert.ok(!jobs.order.includes('generation-1 end'), 'both ingests ran while the first generation was running');
    assert.ok(!jobs.started.has('generation-2'));
    jobs.release('generation-1');
    await until('the second generation to start', () => jobs.started.has('generation-2'));
    jobs.release('generation-2');
    await until('the second generation to end', () => jobs.order.includes('generation-2 end'));
    assert.deepEqual(jobs.order.filter((e) => e.startsWith('generation')), ['generation-1 start', 'generation-1 end', 'generation-2 start', 'generation-2 end']);
    assert.deepEqual(errors, [], 'no queue errors');
  } finally {
    await Promise.all([worker.close(), replica.close()]);
  }
});

test('batch jobs keep the configured queue name (a queue left by an earlier version is still drained); interactive ones have their own', async () => {
  assert.equal(laneQueueName('muse-jobs', 'batch'), 'muse-jobs');
  assert.equal(laneQueueName('muse-jobs', 'interactive'), 'muse-jobs-interactive');
  const queueName = 'lanes-two';
  const earlier = new Queue(queueName, { connection: { host: '127.0.0.1', port: Number(new URL(redisUrl).port) } });
  await earlier.add('run', { jobId: 'left-by-an-earlier-version' }, { jobId: 'left-by-an-earlier-version-0' });
  await earlier.close();
  const worker = new BullMqJobRunner(redisUrl, queueName, () => undefined);
  const jobs = gates();
  await worker.start(jobs.execute);
  try {
    await until('the left-over job to start', () => jobs.started.has('left-by-an-earlier-version'));
    jobs.release('left-by-an-earlier-version');
    await until('it to end', () => jobs.order.includes('left-by-an-earlier-version end'));
  } finally {
    await worker.close();
  }
});
