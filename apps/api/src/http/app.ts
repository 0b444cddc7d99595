import express from 'express';
import cors from 'cors';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Core } from '../core.js';
import { requestLoaders, type ApiContext } from '../schema/context.js';
import { formatGraphQLError } from '../errors/error-code.util.js';
import { complexityLimitPlugin } from './complexity.plugin.js';
import { inputBoundsPlugin } from './input-bounds.plugin.js';
import { limitStatusPlugin } from './limit-status.plugin.js';
import { depthLimitRule } from './depth-limit.rule.js';
import { uploadMiddleware } from './upload.middleware.js';
import { generatedMidi, mediaRoute } from './media.route.js';
import { requestBaseUrl } from './base-url.util.js';
import { requestAuthenticator } from './authenticate-request.js';
import { errorHandler, notFoundHandler } from './error.middleware.js';
import { faviconRoute } from './favicon.route.js';
import { withTimeout } from '../with-timeout.util.js';

export interface HttpAppOptions {
  /** accepted from loopback as an admin-only credential (DATA_DIR/local-admin.json) */
  localAdminToken?: string;
}

const READY_TIMEOUT_MS = 2000;

export async function createHttpApp(core: Core, schema: GraphQLSchema, logger: Logger, opts: HttpAppOptions = {}) {
  const { services } = core;
  const { limits, exposeStackTraces } = services.config;
  const authenticate = requestAuthenticator(services.auth, opts.localAdminToken);
  const apollo = new ApolloServer<ApiContext>({
    schema,
    csrfPrevention: true,
    introspection: true,
    includeStacktraceInErrorResponses: exposeStackTraces,
    formatError: (formatted, error) =>
      formatGraphQLError(formatted, error, {
        exposeStackTraces,
        logUnexpected: (err) => logger.error({ err }, 'unexpected error in a GraphQL operation'),
        logDatabaseBusy: (err) => logger.warn({ err }, 'the database gave up on time in a GraphQL operation (statement timeout, lock or pool wait)'),
      }),
    validationRules: [depthLimitRule(limits.maxQueryDepth)],
    // Apollo's own SIGTERM handler would stop the server and re-raise the signal (exit 143) before
    // the API has flushed its index and closed the database: cli/api.command.ts owns the signals.
    stopOnTerminationSignals: false,
    plugins: [inputBoundsPlugin(limits), complexityLimitPlugin(schema, limits.maxQueryComplexity, limits.maxRootFields), limitStatusPlugin()],
    logger: { debug: () => undefined, info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: 'muse-api' });
  });
  app.get('/favicon.ico', faviconRoute());
  app.get('/readyz', async (_req, res) => {
    try {
      // stats() reads the database and the indexes, so it fails when either is not ready — or,
      // when every pooled connection is busy, takes longer than a load balancer should wait
      const stats = await withTimeout(services.stats.stats(), READY_TIMEOUT_MS, 'the database did not answer within 2 s');
      res.json({ status: 'ready', bundle: stats.bundle, indexes: stats.indexes });
    } catch (err) {
      res.status(503).json({ status: 'not ready', code: 'NOT_READY', error: (err as Error).message });
    }
  });
  app.get('/media/:assetId', mediaRoute(services));
  app.get('/media/:assetId/midi', mediaRoute(services, generatedMidi));
  app.use(
    '/graphql',
    cors(services.config.corsOrigins.length ? { origin: services.config.corsOrigins } : { origin: false }),
    express.json({ limit: '1mb' }),
    uploadMiddleware(limits),
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<ApiContext> => ({
        services,
        principal: await authenticate(req),
        readsRequireKey: services.config.readsRequireKey,
        baseUrl: requestBaseUrl(req),
        loaders: requestLoaders(services),
      }),
    }),
  );
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return { app, apollo };
}
