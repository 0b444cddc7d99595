import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/config.js';
import { createLogger, type Logger } from './logger.js';
import { addressOf, openCore, type Core } from './core.js';
import { buildApiSchema } from './schema/build-schema.js';
import { createHttpApp } from './http/app.js';
import { createSubscriptionServer } from './http/subscriptions.js';
import { newLocalAdminToken, removeLocalAdminFile, writeLocalAdminFile } from './local-admin/local-admin-file.js';

export interface RunningApi {
  url: string;
  core: Core;
  logger: Logger;
  close(): Promise<void>;
}

/** Migrate, load the bundle, check/rebuild indexes, serve. */
export async function startApi(config: Config, logger = createLogger(config.logLevel)): Promise<RunningApi> {
  const core = await openCore(config, logger);
  try {
    const schema = await buildApiSchema();
    const localAdminToken = newLocalAdminToken();
    const { app, apollo } = await createHttpApp(core, schema, logger, { localAdminToken });
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(config.port, config.host, (err?: Error) => (err ? reject(err) : resolve(s)));
      s.once('error', reject);
    });
    server.requestTimeout = 10 * 60 * 1000;
    const subscriptions = createSubscriptionServer(server, schema, core.services, logger, { localAdminToken });
    const url = addressOf(server);
    const published = publishLocalAdmin(config.dataDir, server, localAdminToken, logger);
    let closing: Promise<void> | null = null;
    return {
      url,
      core,
      logger,
      close() {
        closing ??= (async () => {
          if (published) removeLocalAdminFile(config.dataDir, localAdminToken);
          // websockets first: an open one would keep server.close() waiting
          await subscriptions.close();
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

/**
 * Writes DATA_DIR/local-admin.json (mode 0600) so `npm run keys` on this machine can manage keys
 * through the running API. Only when the API is reachable over loopback: the token is refused otherwise.
 */
function publishLocalAdmin(dataDir: string, server: Server, token: string, logger: Logger): boolean {
  const a = server.address() as AddressInfo;
  const loopback = loopbackHost(a.address);
  if (!loopback) {
    logger.info('not listening on loopback: no local admin file (npm run keys needs --key or MUSE_API_KEY here)');
    return false;
  }
  try {
    writeLocalAdminFile(dataDir, { url: `http://${loopback}:${a.port}`, token, pid: process.pid });
    return true;
  } catch (err) {
    logger.warn({ err }, 'could not write the local admin file; npm run keys will need --key or MUSE_API_KEY');
    return false;
  }
}

/** The loopback host that reaches a server listening on `address`; null when loopback does not. */
function loopbackHost(address: string): string | null {
  if (address === '0.0.0.0' || address === '::') return '127.0.0.1';
  if (address === '::1') return '[::1]';
  return address.startsWith('127.') ? address : null;
}
