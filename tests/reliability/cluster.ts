// The multi-process set-up the cluster tests share (ingest-workers, redis-restart, replicas), as real
// processes on loopback: a fresh PostgreSQL database, a Redis queue (a redis-server of the cluster's
// own on a free port, or a queue of its own on a shared Redis), one media folder, an API key, then two
// API replicas that only enqueue ('api-a', 'api-b' with MUSE_RUN_JOBS=false) and two `npm run worker`
// processes, each with its own DATA_DIR. `stop()` undoes whatever `start()` got to, also after a
// failed or timed-out start, so that the test file can exit.
import type { ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import pg from 'pg';
import { laneQueueName } from '../../apps/api/src/jobs/bullmq-job-runner.js';
import { JOB_LANES } from '../../apps/api/src/jobs/job-runner.js';
import { removeDir, tempDir, testEnv } from '../api/harness.js';
import { Processes, type Proc } from '../api/processes.js';
import { createTempDatabase } from '../api/pg.util.js';
import { freePort, killAndWait, startRedis } from '../api/redis-server.js';

const { loadConfig } = await import('../../apps/api/src/config/config.js');
const { createLogger } = await import('../../apps/api/src/logger.js');
const { openStorage } = await import('../../apps/api/src/core.js');

/** how long one process may take to print its ready line (the `before` hooks allow a little more) */
export const START_TIMEOUT_MS = 180_000;

export interface ClusterOptions {
  /** names the temporary folders and the API key, and the queue unless `queueName` is given */
  name: string;
  queueName?: string;
  leaseMs: number;
  feedPollMs?: number;
  /** a Redis shared with others: the cluster's queue there is obliterated at stop. Without it, a redis-server of the cluster's own. */
  redisUrl?: string;
  /** more environment for every process */
  env?: Record<string, string>;
  /** more environment for 'api-b' only */
  envB?: Record<string, string>;
  /** runs once the database, the key and the media folder exist, before any process starts */
  beforeProcesses?: (cluster: Cluster) => void | Promise<void>;
}

export class Cluster {
  readonly processes = new Processes(START_TIMEOUT_MS);
  readonly queueName: string;
  database: Awaited<ReturnType<typeof createTempDatabase>> | undefined;
  /** the cluster's own redis-server; a test that restarts it puts the new one here */
  redis: ChildProcess | undefined;
  redisPort = 0;
  redisUrl = '';
  mediaDir = '';
  key = '';
  sql!: pg.Client;
  a!: Proc;
  b!: Proc;
  workers: Proc[] = [];

  constructor(private readonly options: ClusterOptions) {
    this.queueName = options.queueName ?? options.name;
  }

  async start(): Promise<this> {
    const { name } = this.options;
    this.database = await createTempDatabase();
    if (this.options.redisUrl) {
      this.redisUrl = this.options.redisUrl;
    } else {
      this.redisPort = await freePort();
      this.redisUrl = `redis://127.0.0.1:${this.redisPort}`;
      this.redis = await startRedis(this.redisPort);
    }
    this.mediaDir = tempDir(`muse-${name}-media-`);
    // migrate and make a key once, before the processes start
    const setupDir = tempDir(`muse-${name}-setup-`);
    const storage = await openStorage(loadConfig(testEnv(setupDir, { DATABASE_URL: this.database.url })), createLogger('silent'));
    this.key = (await storage.auth.createKey(`${name} test`, ['read', 'write'])).key;
    await storage.db.close();
    removeDir(setupDir);
    this.sql = new pg.Client({ connectionString: this.database.url });
    await this.sql.connect();
    await this.options.beforeProcesses?.(this);
    [this.a, this.b, ...this.workers] = await Promise.all([
      this.startProcess('api-a', 'api', { MUSE_RUN_JOBS: 'false' }),
      this.startProcess('api-b', 'api', { MUSE_RUN_JOBS: 'false', ...this.options.envB }),
      this.startProcess('worker-1', 'worker'),
      this.startProcess('worker-2', 'worker'),
    ]);
    return this;
  }

  /** Starts one more process of the cluster (stopped by `stop()` like the others); `dataDir` to reuse one. */
  startProcess(name: string, cli: 'api' | 'worker', extra: Record<string, string> = {}, dataDir = tempDir(`muse-${this.options.name}-${name}-`)): Promise<Proc> {
    const env = {
      ...process.env,
      ...testEnv(dataDir, {
        DATABASE_URL: this.database!.url,
        REDIS_URL: this.redisUrl,
        MUSE_QUEUE_NAME: this.queueName,
        MUSE_MEDIA_DIR: this.mediaDir,
        MUSE_JOB_LEASE_MS: String(this.options.leaseMs),
        MUSE_INDEX_FEED_POLL_MS: String(this.options.feedPollMs ?? 1000),
        LOG_LEVEL: process.env.MUSE_TEST_LOG_LEVEL ?? 'warn',
        ...this.options.env,
        ...extra,
      }),
    } as NodeJS.ProcessEnv;
    return this.processes.start(name, cli, env, dataDir);
  }

  async stop(): Promise<void> {
    // each step on its own: one that fails must not leave a connection open (the test file would never exit)
    for (const w of this.workers) w.child.kill('SIGCONT'); // a stopped process cannot take its SIGTERM
    await this.processes.stopAll().catch((e) => console.error('stopping the processes:', e));
    await this.sql?.end().catch(() => undefined);
    if (this.options.redisUrl) {
      for (const lane of JOB_LANES) {
        const q = new Queue(laneQueueName(this.queueName, lane), { connection: { url: this.options.redisUrl } as never });
        await q.obliterate({ force: true }).catch(() => undefined);
        await q.close();
      }
    }
    if (this.redis) await killAndWait(this.redis);
    await this.database?.drop();
    if (this.mediaDir) removeDir(this.mediaDir);
  }
}

/** Polls `probe` every `everyMs` until it gives a truthy value, which it returns; throws after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 5): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
