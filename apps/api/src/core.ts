import 'reflect-metadata';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import { MIGRATIONS_DIR } from './config/paths.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate, readMigrations } from './db/migrate.js';
import { AssetRepository } from './repositories/asset.repository.js';
import { EmbeddingRepository } from './repositories/embedding.repository.js';
import { TagRepository } from './repositories/tag.repository.js';
import { LibraryRepository } from './repositories/library.repository.js';
import { JobRepository } from './repositories/job.repository.js';
import { GenerationRepository } from './repositories/generation.repository.js';
import { ImagicGenerator } from './repositories/music-generator.repository.js';
import { MusimGenerator } from './repositories/image-generator.repository.js';
import { PinnedEncoders } from './repositories/pinned-encoders.js';
import { ApiKeyRepository } from './repositories/api-key.repository.js';
import { LocalMediaStore } from './repositories/local-media-store.js';
import { MachineLearningRepository } from './repositories/machine-learning.repository.js';
import { VectorIndexRepository, type IndexOpenReport } from './repositories/vector-index.repository.js';
import { EmbedService } from './services/embed.service.js';
import { AuthService } from './services/auth.service.js';
import { IngestService } from './services/ingest.service.js';
import { UploadIngestService } from './services/upload-ingest.service.js';
import { SearchService } from './services/search.service.js';
import { TaggingService } from './services/tagging.service.js';
import { AssetService } from './services/asset.service.js';
import { EmbeddingMapService } from './services/embedding-map.service.js';
import { LibraryService } from './services/library.service.js';
import { StatsService } from './services/stats.service.js';
import { JobService } from './services/job.service.js';
import { GenerationService } from './services/generation.service.js';
import { ImageGenerationService } from './services/image-generation.service.js';
import type { Services } from './services/services.js';
import { InProcessJobRunner } from './jobs/in-process-job-runner.js';
import { BullMqEnqueueOnlyRunner, BullMqJobRunner } from './jobs/bullmq-job-runner.js';
import { IndexChangeRepository } from './repositories/index-change.repository.js';
import { IndexFollower } from './services/index-follower.service.js';
import { INDEX_CHANGES_CHANNEL, listenForChanges } from './db/change-listener.js';
import { checkExecutionProvider } from './repositories/execution-provider.util.js';

/** Storage only: DB (migrated), repositories and key management. Enough for the CLIs. */
export async function openStorage(config: Config, logger: Logger) {
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, statementTimeoutMs: config.statementTimeoutMs });
  try {
    const applied = await migrate(db.sql, readMigrations(MIGRATIONS_DIR), db.engine === 'postgresql');
    if (applied.length) logger.info({ applied }, 'migrations applied');
  } catch (err) {
    await db.close();
    throw err;
  }
  const repos = {
    assets: new AssetRepository(db.prisma),
    embeddings: new EmbeddingRepository(db.prisma),
    tags: new TagRepository(db.prisma),
    libraries: new LibraryRepository(db.prisma),
    jobs: new JobRepository(db.prisma),
    generations: new GenerationRepository(db.prisma),
    apiKeys: new ApiKeyRepository(db.prisma),
    indexChanges: new IndexChangeRepository(db.prisma),
  };
  return { db, repos, auth: new AuthService(repos.apiKeys) };
}

/** With a shared database, only files this old are orphans: another process may be mid-ingest. */
const SHARED_SWEEP_MIN_AGE_MS = 60 * 60_000;

export interface Core {
  db: Database;
  services: Services;
  /** the embedding step every upload goes through (exposed for benchmarks and tests) */
  embed: EmbedService;
  index: VectorIndexRepository;
  /** PostgreSQL: follows the index change feed (other processes' ingests and deletes); null on PGlite */
  indexFollower: IndexFollower | null;
  indexReport: IndexOpenReport[];
  backfilled: number;
  close(): Promise<void>;
}

/** Migrated DB + model bundle + checked indexes + services: everything but HTTP. */
export async function openCore(config: Config, logger: Logger): Promise<Core> {
  // before anything opens: a provider this machine cannot give is the operator's to fix
  checkExecutionProvider(config.executionProvider);
  const { db, repos, auth } = await openStorage(config, logger);
  let ml: MachineLearningRepository | undefined;
  let jobs: JobService | undefined;
  let follower: IndexFollower | null = null;
  const encoders = new PinnedEncoders(config.modelsDir, config.generateThreads);
  const generator = new ImagicGenerator(
    { modelsDir: config.modelsDir, bundle: config.imagicBundle, threads: config.generateThreads, encoders, maxPromptSeconds: config.generation.maxPromptSeconds },
    logger,
  );
  const imageGenerator = new MusimGenerator({ modelsDir: config.modelsDir, bundle: config.musimBundle, threads: config.generateThreads, encoders }, logger);
  try {
    ml = await MachineLearningRepository.open(config.modelsDir, config.modelName);
    logger.info({ bundle: ml.bundle, version: ml.bundleVersion, dim: ml.dim }, 'model bundle loaded');
    const embed = new EmbedService(ml, config.limits);
    const index = new VectorIndexRepository(repos.embeddings, embed.bundleKey, ml.dim, join(config.dataDir, 'index'), logger, config.indexSaveDelayMs);
    let indexReport: IndexOpenReport[];
    if (db.engine === 'postgresql' && config.databaseUrl) {
      // other processes write the database: follow their changes from a seq the checked indexes surely hold
      const databaseUrl = config.databaseUrl;
      const feed = new IndexFollower(repos.indexChanges, repos.embeddings, index, embed.bundleKey, logger, {
        pollMs: config.indexFeedPollMs,
        retentionMs: config.indexFeedRetentionMs,
        listen: (wake) =>
          listenForChanges(databaseUrl, INDEX_CHANGES_CHANNEL, wake, (err) => logger.warn({ err: err.message }, 'index change listener connection'), config.indexFeedPollMs),
      });
      follower = feed;
      const settled = await feed.settledHead();
      indexReport = await index.open((saved) => feed.replay(saved));
      feed.start(settled);
    } else {
      // PGlite: this process is the only writer and changes its indexes itself; the feed is only pruned
      indexReport = await index.open();
      await repos.indexChanges.prune(config.indexFeedRetentionMs);
    }
    logger.info({ indexes: indexReport }, 'vector indexes ready');

    const media = new LocalMediaStore(config.mediaDir);
    const ingest = new IngestService(repos.assets, repos.embeddings, repos.libraries, media, embed, index, logger);
    const search = new SearchService(repos.assets, repos.embeddings, embed, index, config.limits);
    const onQueueError = (err: Error) => logger.warn({ err: err.message }, 'job queue connection');
    const runner = !config.redisUrl
      ? new InProcessJobRunner()
      : config.runJobs
        ? new BullMqJobRunner(config.redisUrl, config.queueName, onQueueError)
        : new BullMqEnqueueOnlyRunner(config.redisUrl, config.queueName, onQueueError);
    jobs = new JobService(repos.jobs, runner, logger, {
      leaseMs: config.jobLeaseMs,
      retentionMs: config.jobRetentionMs,
      exclusiveDatabase: db.engine === 'pglite',
      watchPollMs: config.jobWatchPollMs,
      maxWatches: config.maxSubscriptions,
    });
    const uploads = new UploadIngestService(ingest, jobs, repos.jobs, repos.assets, { queued: runner.kind === 'bullmq', waitMs: config.ingestWaitMs });
    const tagging = new TaggingService(search, embed, repos.assets, repos.tags, repos.libraries, jobs, config.limits.maxResults);
    const assets = new AssetService(repos.assets, media, index, ml.bundle, config.limits, logger);
    const generation = new GenerationService({
      assets: repos.assets, generations: repos.generations, libraries: repos.libraries, media, ingest, assetService: assets, jobs, generator, limits: config.generation, logger,
    });
    const imageGeneration = new ImageGenerationService({
      assets: repos.assets, libraries: repos.libraries, media, ingest, assetService: assets, jobs, generator: imageGenerator, limits: config.generation, logger,
    });
    const services: Services = {
      config,
      auth,
      ingest,
      uploads,
      search,
      tagging,
      jobs,
      generation,
      imageGeneration,
      assets,
      libraries: new LibraryService(repos.libraries, repos.assets),
      embeddingMap: new EmbeddingMapService(repos.embeddings, repos.assets, embed.bundleKey),
      stats: new StatsService(repos.assets, repos.libraries, repos.tags, embed, index),
    };
    // PGlite: this process holds the database alone, so no other ingest can be half done
    const swept = await ingest.sweepOrphanedMedia(db.engine === 'pglite' ? 0 : SHARED_SWEEP_MIN_AGE_MS);
    if (swept) logger.info({ swept }, 'removed media files an interrupted ingest left');
    const backfilled = await ingest.backfillEmbeddings((p) => readFile(p));
    if (backfilled) logger.info({ backfilled }, 'embedded stored assets for the bundle in use');
    await jobs.start();
    const openedJobs = jobs;
    const openedModel = ml;
    const openedFollower = follower;
    return {
      db,
      services,
      embed,
      index,
      indexFollower: openedFollower,
      indexReport,
      backfilled,
      async close() {
        await openedJobs.close();
        await openedFollower?.close();
        await Promise.all([generator.close(), imageGenerator.close()]);
        await encoders.close();
        await index.flush();
        await openedModel.close();
        await db.close();
      },
    };
  } catch (err) {
    await jobs?.close().catch(() => undefined);
    await follower?.close().catch(() => undefined);
    await generator.close().catch(() => undefined);
    await imageGenerator.close().catch(() => undefined);
    await encoders.close().catch(() => undefined);
    await ml?.close().catch(() => undefined);
    await db.close();
    throw err;
  }
}

export function addressOf(server: Server): string {
  const a = server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return `http://${host}:${a.port}`;
}
