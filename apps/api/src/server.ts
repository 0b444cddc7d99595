import 'reflect-metadata';
import type { Server } from 'node:http';
import type { Config } from './config/config.js';
import { createLogger, type Logger } from './logger.js';
import { addressOf, openCore, type Core, type CoreDeps } from './api.js';
import { buildApiSchema } from './schema/build-schema.js';
import { createHttpApp } from './http/app.js';
import { MuvisEmbedder, hnswIndexFactory } from './search/muvis-embedder.js';

export interface RunningApi {
  url: string;
  core: Core;
  logger: Logger;
  close(): Promise<void>;
}

export const defaultDeps: CoreDeps = {
  openEmbedder: (config) => MuvisEmbedder.open(config.modelsDir, config.modelName),
  indexFactory: hnswIndexFactory,
};

/** Migrate, load the bundle, check/rebuild indexes, serve. */
export async function startApi(config: Config, logger = createLogger(config.logLevel), deps = defaultDeps): Promise<RunningApi> {
  const core = await openCore(config, logger, deps);
  try {
    const schema = await buildApiSchema();
    const { app, apollo } = await createHttpApp(core, schema, logger);
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(config.port, config.host, (err?: Error) => (err ? reject(err) : resolve(s)));
      s.once('error', reject);
    });
    server.requestTimeout = 10 * 60 * 1000;
    const url = addressOf(server);
    let closing: Promise<void> | null = null;
    return {
      url,
      core,
      logger,
      close() {
        closing ??= (async () => {
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
          await apollo.stop();
          await core.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await core.close();
    throw err;
  }
}
