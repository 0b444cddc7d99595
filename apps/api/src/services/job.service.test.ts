import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { JobRepository } from '../repositories/job.repository.js';
import type { JobLane, JobRunner } from '../jobs/job-runner.js';
import { InProcessJobRunner } from '../jobs/in-process-job-runner.js';
import { JobService, MAX_JOB_ATTEMPTS } from './job.service.js';
import { DATABASE_BUSY_MESSAGE } from '../errors/error-code.util.js';
import { FakeJobRepository, recordingLogger, until } from './testing/jobs.js';

/** A runner that only records dispatches; the spec delivers them with `deliver`, as a queue would. */
class ManualRunner implements JobRunner {
  readonly dispatched: string[] = [];
  private execute: ((jobId: string) => Promise<void>) | null = null;

  constructor(readonly kind: 'in-process' | 'bullmq' = 'bullmq') {}

  async start(execute: (jobId: string) => Promise<void>): Promise<void> {
    this.execute = execute;
  }

  readonly lanes: [string, JobLane][] = [];

  async dispatch(jobId: string, _attempt = 0, lane: JobLane = 'batch'): Promise<void> {
    this.dispatched.push(jobId);
    this.lanes.push([jobId, lane]);
  }

  deliver(jobId: string): Promise<void> {
    return this.execute!(jobId);
  }

  async close(): Promise<void> {}
}

const LEASE = { leaseMs: 60_000, exclusiveDatabase: false };

function setup(runner: JobRunner = new InProcessJobRunner(), options = LEASE) {
  const repo = new FakeJobRepository();
  const { logger, entries } = recordingLogger();
  const service = new JobService(repo as unknown as JobRepository, runner, logger, options);
  return { repo, service, logs: entries };
}

const finished = (repo: FakeJobRepository, id: string) => () => ['SUCCEEDED', 'FAILED'].includes(repo.jobs.get(id)!.status);

/** A handler that waits until released, recording when it starts and ends. */
function gate(name: string, order: string[]) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    release: () => release(),
    handler: async () => {
      order.push(`${name} start`);
      await released;
      order.push(`${name} end`);
      return name;
    },
  };
}

test('enqueue refuses a job type with no handler before creating a job', async () => {
  const runner = new ManualRunner();
  const { repo, service } = setup(runner);
  await service.start();
  await assert.rejects(service.enqueue('NOPE', {}), /no handler for job type NOPE/);
  assert.deepEqual([repo.jobs.size, runner.dispatched.length], [0, 0]);
});

test('enqueue stores the job as QUEUED with its input, then dispatches it', async () => {
  const runner = new ManualRunner();
  const { repo, service } = setup(runner);
  service.register('ECHO', async (input) => input);
  await service.start();
  const job = await service.enqueue('ECHO', { n: 1 });
  assert.deepEqual([job.type, job.status, job.input, job.progress, job.attempts], ['ECHO', 'QUEUED', { n: 1 }, 0, 0]);
  assert.deepEqual(runner.dispatched, [job.id]);
  assert.equal((await service.get(job.id))!.status, 'QUEUED', 'nothing runs until the runner delivers it');
});

test('a job goes QUEUED → RUNNING → SUCCEEDED, storing the handler\'s result, its attempt and its times', async () => {
  const { repo, service } = setup();
  let seenWhileRunning: string[] = [];
  service.register('ECHO', async (input) => {
    seenWhileRunning = [...repo.jobs.values()].map((j) => j.status);
    return { echoed: input };
  });
  await service.start();
  const job = await service.enqueue('ECHO', { n: 2 });
  await until(finished(repo, job.id));
  const done = (await service.get(job.id))!;
  assert.deepEqual(seenWhileRunning, ['RUNNING']);
  assert.deepEqual([done.status, done.progress, done.result, done.error, done.attempts], ['SUCCEEDED', 1, { echoed: { n: 2 } }, null, 1]);
  assert.ok(done.startedAt && done.finishedAt && done.finishedAt >= done.startedAt);
  assert.deepEqual(repo.writesOf(job.id), ['create', 'running', 'succeeded']);
  await service.close();
});

test('a handler that returns nothing succeeds with a null result', async () => {
  const { repo, service } = setup();
  service.register('VOID', async () => undefined);
  await service.start();
  const job = await service.enqueue('VOID', {});
  await until(finished(repo, job.id));
  assert.deepEqual([repo.jobs.get(job.id)!.status, repo.jobs.get(job.id)!.result], ['SUCCEEDED', null]);
  await service.close();
});

test('a failing handler leaves the job FAILED with its reason, logged, and the next job still runs', async () => {
  const { repo, service, logs } = setup();
  service.register('BOOM', async () => {
    throw new Error('the model is gone');
  });
  service.register('ECHO', async (input) => input);
  await service.start();
  const bad = await service.enqueue('BOOM', {});
  const good = await service.enqueue('ECHO', 'after');
  await until(finished(repo, good.id));
  const failed = repo.jobs.get(bad.id)!;
  assert.deepEqual([failed.status, failed.error, failed.result, failed.attempts], ['FAILED', 'the model is gone', null, 1]);
  assert.ok(failed.finishedAt);
  assert.deepEqual(repo.writesOf(bad.id), ['create', 'running', 'failed: the model is gone']);
  const logged = logs.filter((e) => e.level === 'error');
  assert.equal(logged.length, 1);
  assert.deepEqual([logged[0].obj.jobId, logged[0].obj.type], [bad.id, 'BOOM']);
  assert.equal(repo.jobs.get(good.id)!.status, 'SUCCEEDED');
  await service.close();
});

test("a job the database gave up on (statement timeout) is FAILED with SERVICE_UNAVAILABLE and a plain reason; the database's own message goes to the log only", async () => {
  const { repo, service, logs } = setup();
  const timeout = Object.assign(new Error('Invalid `prisma.asset.create()` invocation in\n/srv/muse/apps/api/src/repositories/asset.repository.ts:40:7'), {
    name: 'PrismaClientKnownRequestError',
    code: 'P2039',
    meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode: '57014', kind: 'postgres' } } },
  });
  service.register('SLOW', async () => {
    throw timeout;
  });
  await service.start();
  const job = await service.enqueue('SLOW', {});
  await until(finished(repo, job.id));
  const failed = repo.jobs.get(job.id)!;
  assert.equal(failed.status, 'FAILED');
  assert.equal(failed.error, DATABASE_BUSY_MESSAGE);
  assert.deepEqual(failed.result, { errorCode: 'SERVICE_UNAVAILABLE' });
  const logged = logs.filter((e) => e.level === 'error');
  assert.equal(logged.length, 1);
  assert.equal(logged[0].obj.err, timeout);
  await service.close();
});

test('progress is written at most every 200 ms, clamped to [0, 1], and a final 1 always lands', async (t) => {
  let now = 10_000;
  t.mock.method(Date, 'now', () => now);
  const { repo, service } = setup();
  service.register('SLOW', async (_input, progress) => {
    await progress(0.1); // first write
    now += 100;
    await progress(0.2); // too soon
    now += 99;
    await progress(0.3); // 199 ms after the last write: still too soon
    now += 1;
    await progress(0.4); // 200 ms: written
    now += 10;
    await progress(1.5); // the end always lands, clamped
    return null;
  });
  service.register('BACKWARDS', async (_input, progress) => {
    await progress(-0.5);
    return null;
  });
  await service.start();
  const slow = await service.enqueue('SLOW', {});
  const backwards = await service.enqueue('BACKWARDS', {});
  await until(finished(repo, backwards.id));
  assert.deepEqual(repo.writesOf(slow.id), ['create', 'running', 'progress 0.1', 'progress 0.4', 'progress 1', 'succeeded']);
  assert.deepEqual(repo.writesOf(backwards.id), ['create', 'running', 'progress 0', 'succeeded']);
  await service.close();
});

test('the in-process runner runs one job at a time, in the order they were queued', async () => {
  const { repo, service } = setup();
  const order: string[] = [];
  const a = gate('A', order);
  const b = gate('B', order);
  service.register('A', a.handler);
  service.register('B', b.handler);
  await service.start();
  const jobA = await service.enqueue('A', {});
  const jobB = await service.enqueue('B', {});
  await until(() => order.length === 1);
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(order, ['A start']);
  assert.equal(repo.jobs.get(jobB.id)!.status, 'QUEUED');
  b.release(); // releasing B first changes nothing: it has not started
  a.release();
  await until(finished(repo, jobB.id));
  assert.deepEqual(order, ['A start', 'A end', 'B start', 'B end']);
  assert.equal(repo.jobs.get(jobA.id)!.status, 'SUCCEEDED');
  await service.close();
});

test('an interactive job runs beside a batch job that holds its lane', async () => {
  const runner = new RecordingLaneRunner();
  const { repo, service } = setup(runner);
  const order: string[] = [];
  const generation = gate('generation', order);
  const ingest = gate('ingest', order);
  service.register('GENERATE', generation.handler);
  service.register('INGEST', ingest.handler, { lane: 'interactive' });
  await service.start();
  const slow = await service.enqueue('GENERATE', {});
  await until(() => order.includes('generation start'));
  const quick = await service.enqueue('INGEST', {});
  ingest.release();
  await until(finished(repo, quick.id));
  assert.deepEqual(order, ['generation start', 'ingest start', 'ingest end'], 'the ingest did not wait for the generation');
  assert.equal(repo.jobs.get(slow.id)!.status, 'RUNNING');
  assert.deepEqual(runner.lanes, [[slow.id, 'batch'], [quick.id, 'interactive']]);
  generation.release();
  await until(finished(repo, slow.id));
  await service.close();
});

/** The in-process runner, recording the lane of each dispatch. */
class RecordingLaneRunner extends InProcessJobRunner {
  readonly lanes: [string, JobLane][] = [];

  override async dispatch(jobId: string, attempt = 0, lane: JobLane = 'batch'): Promise<void> {
    this.lanes.push([jobId, lane]);
    return super.dispatch(jobId, attempt, lane);
  }
}

test('a delivered job that already finished is not run again, and an unknown job id is ignored', async () => {
  const runner = new ManualRunner();
  const { repo, service } = setup(runner);
  let runs = 0;
  service.register('COUNT', async () => ++runs);
  await service.start();
  const job = await service.enqueue('COUNT', {});
  await runner.deliver(job.id);
  await runner.deliver(job.id); // a queue may deliver twice
  assert.equal(runs, 1);
  assert.deepEqual(repo.writesOf(job.id), ['create', 'running', 'succeeded']);
  await runner.deliver(randomUUID());
  assert.equal(runs, 1);
});

test('a delivered job whose type has no handler here is FAILED with that reason, never RUNNING', async () => {
  const runner = new ManualRunner();
  const { repo, service } = setup(runner);
  await service.start();
  const orphan = await repo.create('FROM_A_NEWER_VERSION', {}); // queued by another instance
  await runner.deliver(orphan.id);
  const job = repo.jobs.get(orphan.id)!;
  assert.deepEqual([job.status, job.error, job.attempts], ['FAILED', 'no handler for job type FROM_A_NEWER_VERSION', 0]);
  assert.deepEqual(repo.writesOf(orphan.id), ['create', 'failed: no handler for job type FROM_A_NEWER_VERSION']);
});

test('a job whose owner stopped (lease lapsed) runs again when redelivered, as a further attempt', async () => {
  const runner = new ManualRunner();
  const { repo, service } = setup(runner);
  service.register('ECHO', async (input) => input);
  await service.start();
  const job = await service.enqueue('ECHO', 'x');
  await repo.claim(job.id, 'a process that died', -1); // its lease has already run out
  await runner.deliver(job.id);
  assert.deepEqual([repo.jobs.get(job.id)!.status, repo.jobs.get(job.id)!.attempts], ['SUCCEEDED', 2]);
});

test('a job another live process holds is not run twice: its lease is respected', async () => {
  const runner = new ManualRunner();
  const { repo, service } = setup(runner);
  service.register('ECHO', async (input) => input);
  await service.start();
  const job = await service.enqueue('ECHO', 'x');
  await repo.claim(job.id, 'another replica', 60_000);
  await runner.deliver(job.id);
  const row = repo.jobs.get(job.id)!;
  assert.deepEqual([row.status, row.attempts, row.leaseOwner], ['RUNNING', 1, 'another replica']);
  // and a late result from a process that lost the lease is not written
  await repo.markSucceeded(job.id, service.owner, 'not mine');
  assert.equal(repo.jobs.get(job.id)!.status, 'RUNNING');
});

test(`a job whose runner stopped ${MAX_JOB_ATTEMPTS} times is FAILED with the reason, not tried forever`, async () => {
  const runner = new ManualRunner();
  const { repo, service } = setup(runner);
  let ran = false;
  service.register('ECHO', async () => (ran = true));
  await service.start();
  const job = await service.enqueue('ECHO', 'x');
  for (let i = 0; i < MAX_JOB_ATTEMPTS; i++) await repo.claim(job.id, `crashed ${i}`, -1);
  await runner.deliver(job.id);
  const row = repo.jobs.get(job.id)!;
  assert.equal(ran, false);
  assert.equal(row.status, 'FAILED');
  assert.match(row.error!, /stopped 3 times before finishing/);
});

test('when the queue cannot take a job, enqueue fails fast with SERVICE_UNAVAILABLE and the row is FAILED, not QUEUED', async () => {
  const down: JobRunner = { kind: 'bullmq', start: async () => {}, dispatch: () => Promise.reject(new Error('Stream isn\'t writeable')), close: async () => {} };
  const { repo, service } = setup(down);
  service.register('ECHO', async (input) => input);
  await service.start();
  await assert.rejects(service.enqueue('ECHO', 'x'), (err: Error & { code?: string }) => err.code === 'SERVICE_UNAVAILABLE' && /job queue is unavailable/.test(err.message));
  const [row] = repo.jobs.values();
  assert.equal(row.status, 'FAILED');
  assert.match(row.error!, /job queue is unavailable: Stream isn't writeable/);
});

test('start delivers the QUEUED jobs and lapsed RUNNING jobs a previous process left, oldest first', async () => {
  const runner = new ManualRunner('in-process');
  const { repo, service } = setup(runner, { leaseMs: 60_000, exclusiveDatabase: true });
  const older = await repo.create('ECHO', {});
  const done = await repo.create('ECHO', {});
  Object.assign(repo.jobs.get(done.id)!, { status: 'SUCCEEDED' });
  const crashed = await repo.create('ECHO', {});
  await repo.claim(crashed.id, 'the previous process', 60_000); // PGlite: that process is gone whatever its lease says
  const newer = await repo.create('ECHO', {});
  service.register('ECHO', async (input) => input);
  await service.start();
  assert.deepEqual(runner.dispatched, [older.id, crashed.id, newer.id]);
});

test('a left-over job is delivered again in the lane of its type', async () => {
  const runner = new ManualRunner('bullmq');
  const { repo, service } = setup(runner);
  const ingest = await repo.create('INGEST', {});
  const generation = await repo.create('GENERATE', {});
  service.register('INGEST', async () => null, { lane: 'interactive' });
  service.register('GENERATE', async () => null);
  await service.start();
  assert.deepEqual(runner.lanes, [[ingest.id, 'interactive'], [generation.id, 'batch']]);
});

test('with a shared queue (bullmq), start re-delivers only what nobody runs: a live lease is left alone', async () => {
  const runner = new ManualRunner('bullmq');
  const { repo, service } = setup(runner);
  const queued = await repo.create('ECHO', {});
  const live = await repo.create('ECHO', {});
  await repo.claim(live.id, 'another replica', 60_000);
  await service.start();
  assert.deepEqual(runner.dispatched, [queued.id]);
  assert.equal(service.runnerKind, 'bullmq');
  await service.close();
});

test('close waits for the running job, leaves queued ones QUEUED for the next start, and refuses new dispatches', async () => {
  const { repo, service } = setup();
  const order: string[] = [];
  const a = gate('A', order);
  service.register('A', a.handler);
  service.register('ECHO', async (input) => input);
  await service.start();
  const running = await service.enqueue('A', {});
  const waiting = await service.enqueue('ECHO', 'later');
  await until(() => order.length === 1);
  let closed = false;
  const closing = service.close().then(() => (closed = true));
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(closed, false, 'close waits for the running job');
  a.release();
  await closing;
  assert.deepEqual([repo.jobs.get(running.id)!.status, repo.jobs.get(waiting.id)!.status], ['SUCCEEDED', 'QUEUED']);
  await assert.rejects(service.enqueue('ECHO', 'too late'), /job runner is not running/);

  // the next process runs what was left
  const next = new JobService(repo as unknown as JobRepository, new InProcessJobRunner(), recordingLogger().logger, LEASE);
  next.register('ECHO', async (input) => input);
  await next.start();
  await until(finished(repo, waiting.id));
  assert.equal(repo.jobs.get(waiting.id)!.result, 'later');
  await next.close();
});

test('the in-process runner refuses dispatches before it is started', async () => {
  const runner = new InProcessJobRunner();
  await assert.rejects(runner.dispatch(randomUUID()), /job runner is not running/);
  assert.equal(setup(runner).service.runnerKind, 'in-process');
});

// ---- cancellation, admission limits, watching (issue 20's generateMusic jobs) ----

const KEY = randomUUID();
const OTHER_KEY = randomUUID();

test('cancel: a QUEUED job is CANCELLED at once and never runs; a finished one is CONFLICT; another key\'s is NOT_FOUND', async () => {
  const runner = new ManualRunner();
  const { repo, service } = setup(runner);
  let ran = false;
  service.register('ECHO', async () => (ran = true));
  await service.start();
  const job = await service.enqueue('ECHO', {}, { apiKeyId: KEY });
  await assert.rejects(service.cancel(job.id, OTHER_KEY), (err: Error & { code?: string }) => err.code === 'NOT_FOUND');
  await assert.rejects(service.cancel(job.id, null), (err: Error & { code?: string }) => err.code === 'NOT_FOUND');
  const cancelled = await service.cancel(job.id, KEY);
  assert.equal(cancelled.status, 'CANCELLED');
  await runner.deliver(job.id); // the queue still holds its delivery
  assert.equal(ran, false);
  await assert.rejects(service.cancel(job.id, KEY), (err: Error & { code?: string }) => err.code === 'CONFLICT' && /already finished \(CANCELLED\)/.test(err.message));
});

test('cancel: a RUNNING job is asked to stop; its signal aborts and it ends CANCELLED, not FAILED', async () => {
  const { repo, service } = setup();
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  service.register('LONG', async (_input, _progress, signal) => {
    started();
    await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
  });
  await service.start();
  const job = await service.enqueue('LONG', {}, { apiKeyId: KEY });
  await running;
  const asked = await service.cancel(job.id, KEY);
  assert.equal(asked.status, 'RUNNING', 'a running job is asked, not stopped by the request');
  assert.ok(asked.cancelRequestedAt);
  await until(() => repo.jobs.get(job.id)!.status === 'CANCELLED', 'the job to stop');
  assert.deepEqual(repo.writesOf(job.id), ['create', 'running', 'cancel requested', 'cancelled']);
  assert.equal(repo.jobs.get(job.id)!.error, null);
  await service.close();
});

test('cancel requested by another process reaches the runner at its next progress write, which throws', async () => {
  const { repo, service } = setup();
  const outcomes: string[] = [];
  let step!: () => void;
  const stepped = new Promise<void>((resolve) => (step = resolve));
  let proceed!: () => void;
  const go = new Promise<void>((resolve) => (proceed = resolve));
  service.register('STEPS', async (_input, progress) => {
    await progress(0.1, 'step 1');
    step();
    await go;
    try {
      await progress(0.5, 'step 2');
      outcomes.push('went on');
    } catch (err) {
      outcomes.push((err as Error).name);
      throw err;
    }
  });
  await service.start();
  const job = await service.enqueue('STEPS', {}, { apiKeyId: KEY });
  await stepped;
  assert.equal(repo.jobs.get(job.id)!.message, 'step 1');
  await repo.requestCancel(job.id); // as cancelJob in another replica writes it: the row only
  await new Promise((resolve) => setTimeout(resolve, 210)); // past the progress throttle
  proceed();
  await until(() => repo.jobs.get(job.id)!.status === 'CANCELLED', 'the job to stop');
  assert.deepEqual(outcomes, ['JobCancelledError']);
  await service.close();
});

test('close interrupts a running job that watches its signal and hands it back unfinished, with the attempt not counted', async () => {
  const { repo, service } = setup();
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  service.register('LONG', async (_input, _progress, signal) => {
    started();
    await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
  });
  await service.start();
  const job = await service.enqueue('LONG', {});
  await running;
  await service.close();
  const row = repo.jobs.get(job.id)!;
  assert.deepEqual([row.status, row.leaseOwner, row.attempts, row.error], ['RUNNING', null, 0, null]);
  assert.equal((await repo.orphaned(new Date())).length, 1, 'the next start delivers it again');
});

test('admission: a key may have maxActivePerKey unfinished jobs of a type (TOO_MANY_REQUESTS), all keys maxActive (SERVICE_UNAVAILABLE)', async () => {
  const runner = new ManualRunner();
  const { repo, service } = setup(runner);
  service.register('GEN', async () => null);
  service.register('OTHER', async () => null);
  await service.start();
  const limits = { maxActivePerKey: 2, maxActive: 3 };
  await service.enqueue('GEN', {}, { apiKeyId: KEY, admission: limits });
  const second = await service.enqueue('GEN', {}, { apiKeyId: KEY, admission: limits });
  await service.enqueue('OTHER', {}, { apiKeyId: KEY }); // other types do not count
  await assert.rejects(service.enqueue('GEN', {}, { apiKeyId: KEY, admission: limits }), (err: Error & { code?: string }) => err.code === 'TOO_MANY_REQUESTS');
  await assert.rejects(service.checkAdmission('GEN', KEY, limits), (err: Error & { code?: string }) => err.code === 'TOO_MANY_REQUESTS');
  await service.enqueue('GEN', {}, { apiKeyId: OTHER_KEY, admission: limits });
  await assert.rejects(service.enqueue('GEN', {}, { apiKeyId: randomUUID(), admission: limits }), (err: Error & { code?: string }) => err.code === 'SERVICE_UNAVAILABLE');
  assert.equal([...repo.jobs.values()].filter((j) => j.type === 'GEN').length, 3, 'a refused job leaves no row');
  await service.cancel(second.id, KEY); // a finished job frees its place
  await service.enqueue('GEN', {}, { apiKeyId: KEY, admission: limits });
});

test('watch: the current state at once, each visible change, the terminal state last, then done', async () => {
  const { repo, service } = setup(new ManualRunner(), { ...LEASE, watchPollMs: 60_000, maxWatches: 1 } as typeof LEASE);
  let proceed!: () => void;
  const go = new Promise<void>((resolve) => (proceed = resolve));
  service.register('TWO', async (_input, progress) => {
    await progress(0.5, 'half way');
    await go;
    return 'done';
  });
  await service.start();
  const job = await service.enqueue('TWO', {});
  const watch = await service.watch(job.id);
  await assert.rejects(service.watch(job.id), (err: Error & { code?: string }) => err.code === 'TOO_MANY_REQUESTS');
  const first = await watch.next();
  assert.equal(first.value.status, 'QUEUED');
  const delivered = (service as unknown as { execute(id: string): Promise<void> }).execute(job.id);
  const states: string[] = [];
  for (;;) {
    const next = await watch.next(); // woken by this process's writes: no poll within 60 s
    if (next.done) break;
    states.push(`${next.value.status} ${next.value.progress} ${next.value.message}`);
    if (next.value.message === 'half way') proceed();
  }
  await delivered;
  assert.deepEqual(states.at(-1), 'SUCCEEDED 1 null');
  assert.ok(states.includes('RUNNING 0.5 half way'), states.join(' | '));
  assert.deepEqual((await watch.next()).done, true);
  const again = await service.watch(job.id); // the ended watch gave its place back
  assert.equal((await again.next()).value.status, 'SUCCEEDED');
  assert.equal((await again.next()).done, true, 'a finished job yields its state once and completes');
  await assert.rejects(service.watch(randomUUID()), (err: Error & { code?: string }) => err.code === 'NOT_FOUND');
  void repo;
});

test('watch: return() ends a waiting watch at once and frees its place', async () => {
  const { service } = setup(new ManualRunner(), { ...LEASE, watchPollMs: 60_000, maxWatches: 1 } as typeof LEASE);
  service.register('ECHO', async (input) => input);
  await service.start();
  const job = await service.enqueue('ECHO', {});
  const watch = await service.watch(job.id);
  await watch.next();
  const waiting = watch.next();
  await watch.return();
  assert.equal((await waiting).done, true);
  await service.watch(job.id);
});
