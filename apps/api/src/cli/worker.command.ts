import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/config.js';
import { createLogger } from '../logger.js';
import { openCore } from '../core.js';

/**
 * A process that runs jobs from the shared BullMQ queue (tagging, music generation) and serves no
 * HTTP: the core of an API replica (database, model, indexes that follow the change feed, services)
 * with its job runner on. Needs DATABASE_URL and REDIS_URL; any number may run.
 */
export async function runWorkerCommand(): Promise<void> {
  let config;
  try {
    config = loadConfig({ ...process.env, MUSE_RUN_JOBS: 'true' });
    if (!config.databaseUrl || !config.redisUrl) {
      throw new ConfigError('a worker needs DATABASE_URL (PostgreSQL, shared with the API replicas) and REDIS_URL (the job queue)');
    }
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const logger = createLogger(config.logLevel);
  let core;
  try {
    core = await openCore(config, logger);
  } catch (err) {
    logger.fatal({ err }, 'the worker could not start');
    process.exitCode = 1;
    return;
  }
  logger.info({ queue: config.queueName, owner: core.services.jobs.owner, executionProvider: config.executionProvider }, 'muse worker running jobs');
  process.stdout.write(`Muse worker ready (queue ${config.queueName}, owner ${core.services.jobs.owner})\n`);
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    // jobs running here are handed back unfinished for another worker
    await core.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
