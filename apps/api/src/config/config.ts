import { join, resolve } from 'node:path';
import { z } from 'zod';
import { REPO_ROOT } from './paths.js';

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Shortest audio accepted as a search query or an asset, in seconds (`MUSE_MIN_AUDIO_SECONDS`). */
export const MIN_AUDIO_SECONDS = 0.5;
/** Audio whose RMS level is below this many dBFS is treated as silence (`MUSE_SILENCE_RMS_DBFS`). */
export const SILENCE_RMS_DBFS = -60;

/**
 * The Imagic engine's own bounds (@muse/generation LIMITS and ENGINE_MIN_SECONDS, restated so that loading the
 * configuration does not load the engine; services/generation.service.test.ts checks they agree).
 */
export const ENGINE_BOUNDS = { minSeconds: 1, userMinSeconds: 5, maxSeconds: 120, maxCount: 4 } as const;

const EnvSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().url().optional(),
  MUSE_MODEL: z.string().min(1).optional(),
  MUSE_MODELS_DIR: z.string().min(1).optional(),
  REDIS_URL: z.string().url().optional(),
  MUSE_QUEUE_NAME: z.string().regex(/^[A-Za-z0-9_-]+$/).default('muse-jobs'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MUSE_MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(25 * 1024 * 1024),
  MUSE_MAX_FILES: z.coerce.number().int().positive().default(3),
  MUSE_MAX_AUDIO_SECONDS: z.coerce.number().positive().default(600),
  MUSE_MIN_AUDIO_SECONDS: z.coerce.number().min(0).default(MIN_AUDIO_SECONDS),
  MUSE_SILENCE_RMS_DBFS: z.coerce.number().max(0).default(SILENCE_RMS_DBFS),
  MUSE_MAX_IMAGE_PIXELS: z.coerce.number().int().positive().default(40_000_000),
  MUSE_MAX_RESULTS: z.coerce.number().int().positive().default(100),
  MUSE_MAX_QUERY_DEPTH: z.coerce.number().int().positive().default(8),
  MUSE_MAX_QUERY_COMPLEXITY: z.coerce.number().int().positive().default(5000),
  MUSE_MAX_ROOT_FIELDS: z.coerce.number().int().positive().default(10),
  MUSE_MAX_FILTER_TAGS: z.coerce.number().int().positive().default(16),
  MUSE_MAX_FILTER_TEXT: z.coerce.number().int().positive().default(200),
  MUSE_MAX_LIST_ITEMS: z.coerce.number().int().positive().default(1000),
  MUSE_MAX_STRING_LENGTH: z.coerce.number().int().positive().default(10_000),
  MUSE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  MUSE_READS_REQUIRE_KEY: flag.optional(),
  MUSE_CORS_ORIGINS: z.string().optional(),
  MUSE_JOB_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
  MUSE_JOB_RETENTION_HOURS: z.coerce.number().min(0).default(720),
  MUSE_RUN_JOBS: flag.optional(),
  MUSE_MEDIA_DIR: z.string().min(1).optional(),
  MUSE_INDEX_FEED_POLL_MS: z.coerce.number().int().min(50).default(2000),
  MUSE_INDEX_FEED_RETENTION_HOURS: z.coerce.number().positive().default(24),
  MUSE_EXECUTION_PROVIDER: z.enum(['cpu', 'cuda']).default('cpu'),
  MUSE_INDEX_SAVE_DELAY_MS: z.coerce.number().int().min(0).default(500),
  MUSE_JOB_WATCH_POLL_MS: z.coerce.number().int().min(50).default(1000),
  MUSE_INGEST_WAIT_MS: z.coerce.number().int().min(1000).default(120_000),
  MUSE_MAX_SUBSCRIPTIONS: z.coerce.number().int().positive().default(200),
  MUSE_IMAGIC_BUNDLE: z.string().min(1).optional(),
  MUSE_MUSIM_BUNDLE: z.string().min(1).optional(),
  MUSE_GENERATE_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  MUSE_GENERATE_MIN_SECONDS: z.coerce.number().min(ENGINE_BOUNDS.minSeconds).max(ENGINE_BOUNDS.maxSeconds).default(ENGINE_BOUNDS.userMinSeconds),
  MUSE_GENERATE_MAX_SECONDS: z.coerce.number().min(ENGINE_BOUNDS.minSeconds).max(ENGINE_BOUNDS.maxSeconds).default(ENGINE_BOUNDS.maxSeconds),
  MUSE_GENERATE_MAX_COUNT: z.coerce.number().int().min(1).max(ENGINE_BOUNDS.maxCount).default(ENGINE_BOUNDS.maxCount),
  MUSE_GENERATE_MAX_ACTIVE_PER_KEY: z.coerce.number().int().positive().default(2),
  MUSE_GENERATE_MAX_QUEUE: z.coerce.number().int().positive().default(16),
  MUSE_GENERATE_MAX_PROMPT_SECONDS: z.coerce.number().positive().default(30),
  NODE_ENV: z.string().optional(),
});

export type Env = z.input<typeof EnvSchema>;

export interface Limits {
  maxUploadBytes: number;
  maxFiles: number;
  maxAudioSeconds: number;
  minAudioSeconds: number;
  silenceRmsDbfs: number;
  maxImagePixels: number;
  maxResults: number;
  maxQueryDepth: number;
  maxQueryComplexity: number;
  /** root fields (aliases included) of one operation */
  maxRootFields: number;
  /** tags one filter may require (each is a join) */
  maxFilterTags: number;
  /** characters in a text filter */
  maxFilterText: number;
  /** items in any list argument or variable of a GraphQL request */
  maxListItems: number;
  /** characters in any string argument or variable of a GraphQL request */
  maxStringLength: number;
}

/** What generateMusic accepts (`MUSE_GENERATE_*`); the engine's own LIMITS bound each. */
export interface GenerationLimits {
  minSeconds: number;
  maxSeconds: number;
  /** variations per request */
  maxCount: number;
  /** QUEUED + RUNNING generation jobs of one API key (TOO_MANY_REQUESTS beyond) */
  maxActivePerKey: number;
  /** QUEUED + RUNNING generation jobs of all keys together (SERVICE_UNAVAILABLE beyond) */
  maxQueue: number;
  /** audio prompts: seconds transcribed from the start of the clip */
  maxPromptSeconds: number;
}

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  modelsDir: string;
  /** bundle folder under modelsDir; undefined → the one `models/default` names (read when the bundle loads) */
  modelName?: string;
  redisUrl?: string;
  queueName: string;
  logLevel: string;
  limits: Limits;
  /** Reads need a key with the `read` scope. Default: only when the server listens beyond loopback. */
  readsRequireKey: boolean;
  corsOrigins: string[];
  indexSaveDelayMs: number;
  /** how long a job's claim lasts without renewal (its owner renews it three times per period) */
  jobLeaseMs: number;
  /** finished jobs are deleted this long after they finish (0: kept for good); see JobService.prune */
  jobRetentionMs: number;
  /** This process runs jobs (default). false: it only enqueues them, for `npm run worker` processes to run (needs REDIS_URL). */
  runJobs: boolean;
  /** the media files (default DATA_DIR/media); replicas share one folder */
  mediaDir: string;
  /** PostgreSQL: the index change feed is read this often when no NOTIFY arrives (the convergence bound) */
  indexFeedPollMs: number;
  /** index change feed rows older than this are pruned; a replica further behind rebuilds its index */
  indexFeedRetentionMs: number;
  /** onnxruntime execution provider of this process's models */
  executionProvider: 'cpu' | 'cuda';
  /** PostgreSQL only: a statement running longer is cancelled (PGlite runs one statement at a time, in process) */
  statementTimeoutMs: number;
  /** Stack traces in GraphQL error responses: only with NODE_ENV=development. */
  exposeStackTraces: boolean;
  /** jobUpdated re-reads the job row this often (another process may run it); in-process changes arrive at once */
  jobWatchPollMs: number;
  /** jobUpdated subscriptions open at once, over all connections */
  maxSubscriptions: number;
  /** with a job queue: how long ingestAsset waits for a worker to embed the upload before answering SERVICE_UNAVAILABLE with the job's id */
  ingestWaitMs: number;
  /** Imagic bundle: a folder path, or a folder name under modelsDir; undefined → the one `models/default-imagic` names */
  imagicBundle?: string;
  /** MusIm bundle: a folder path, or a folder name under modelsDir; undefined → the one `models/default-musim` names */
  musimBundle?: string;
  /** onnxruntime intra-op threads of the generator's decoder and its encoder */
  generateThreads: number;
  generation: GenerationLimits;
}

export class ConfigError extends Error {}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid environment: ${problems}`);
  }
  const e = parsed.data;
  if (e.MUSE_GENERATE_MIN_SECONDS > e.MUSE_GENERATE_MAX_SECONDS) {
    throw new ConfigError(`invalid environment: MUSE_GENERATE_MIN_SECONDS (${e.MUSE_GENERATE_MIN_SECONDS}) exceeds MUSE_GENERATE_MAX_SECONDS (${e.MUSE_GENERATE_MAX_SECONDS})`);
  }
  if (e.MUSE_RUN_JOBS === false && !e.REDIS_URL) {
    throw new ConfigError('invalid environment: MUSE_RUN_JOBS=false needs REDIS_URL (without a shared queue, no other process could run this one\'s jobs)');
  }
  const modelsDir = resolve(e.MUSE_MODELS_DIR ?? join(REPO_ROOT, 'models'));
  return {
    host: e.HOST,
    port: e.PORT,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    modelsDir,
    modelName: e.MUSE_MODEL,
    redisUrl: e.REDIS_URL,
    queueName: e.MUSE_QUEUE_NAME,
    logLevel: e.LOG_LEVEL,
    limits: {
      maxUploadBytes: e.MUSE_MAX_UPLOAD_BYTES,
      maxFiles: e.MUSE_MAX_FILES,
      maxAudioSeconds: e.MUSE_MAX_AUDIO_SECONDS,
      minAudioSeconds: e.MUSE_MIN_AUDIO_SECONDS,
      silenceRmsDbfs: e.MUSE_SILENCE_RMS_DBFS,
      maxImagePixels: e.MUSE_MAX_IMAGE_PIXELS,
      maxResults: e.MUSE_MAX_RESULTS,
      maxQueryDepth: e.MUSE_MAX_QUERY_DEPTH,
      maxQueryComplexity: e.MUSE_MAX_QUERY_COMPLEXITY,
      maxRootFields: e.MUSE_MAX_ROOT_FIELDS,
      maxFilterTags: e.MUSE_MAX_FILTER_TAGS,
      maxFilterText: e.MUSE_MAX_FILTER_TEXT,
      maxListItems: e.MUSE_MAX_LIST_ITEMS,
      maxStringLength: e.MUSE_MAX_STRING_LENGTH,
    },
    readsRequireKey: e.MUSE_READS_REQUIRE_KEY ?? !LOOPBACK.has(e.HOST),
    corsOrigins: (e.MUSE_CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    indexSaveDelayMs: e.MUSE_INDEX_SAVE_DELAY_MS,
    statementTimeoutMs: e.MUSE_STATEMENT_TIMEOUT_MS,
    jobLeaseMs: e.MUSE_JOB_LEASE_MS,
    jobRetentionMs: e.MUSE_JOB_RETENTION_HOURS * 3_600_000,
    runJobs: e.MUSE_RUN_JOBS ?? true,
    mediaDir: resolve(e.MUSE_MEDIA_DIR ?? join(e.DATA_DIR, 'media')),
    indexFeedPollMs: e.MUSE_INDEX_FEED_POLL_MS,
    indexFeedRetentionMs: e.MUSE_INDEX_FEED_RETENTION_HOURS * 3_600_000,
    executionProvider: e.MUSE_EXECUTION_PROVIDER,
    exposeStackTraces: e.NODE_ENV === 'development',
    jobWatchPollMs: e.MUSE_JOB_WATCH_POLL_MS,
    maxSubscriptions: e.MUSE_MAX_SUBSCRIPTIONS,
    ingestWaitMs: e.MUSE_INGEST_WAIT_MS,
    imagicBundle: e.MUSE_IMAGIC_BUNDLE,
    musimBundle: e.MUSE_MUSIM_BUNDLE,
    generateThreads: e.MUSE_GENERATE_THREADS,
    generation: {
      minSeconds: e.MUSE_GENERATE_MIN_SECONDS,
      maxSeconds: e.MUSE_GENERATE_MAX_SECONDS,
      maxCount: e.MUSE_GENERATE_MAX_COUNT,
      maxActivePerKey: e.MUSE_GENERATE_MAX_ACTIVE_PER_KEY,
      maxQueue: e.MUSE_GENERATE_MAX_QUEUE,
      maxPromptSeconds: e.MUSE_GENERATE_MAX_PROMPT_SECONDS,
    },
  };
}
