import 'reflect-metadata';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../logger.js';
import { startApi } from '../server.js';

export async function runApiCommand(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  let api;
  try {
    api = await startApi(config, logger);
  } catch (err) {
    logger.fatal({ err }, 'the API could not start');
    process.exitCode = 1;
    return;
  }
  const stats = await api.core.services.stats.stats();
  logger.info({ url: api.url, stats }, 'muse api listening');
  process.stdout.write(`Muse API ready at ${api.url}/graphql  (${stats.images} images, ${stats.audio} audio, bundle ${stats.bundle.name})\n`);
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await api.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
