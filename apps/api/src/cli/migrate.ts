// npm run migrate: applies pending SQL migrations (prisma/migrations) to the configured database.
import { ensurePrismaClient } from '../../scripts/ensure-client.mjs';

ensurePrismaClient();
const { loadConfig } = await import('../config/config.js');
const { createLogger } = await import('../logger.js');
const { openStorage } = await import('../core.js');
const config = loadConfig();
try {
  const { db } = await openStorage(config, createLogger(config.logLevel));
  await db.close();
  process.stderr.write(`database is migrated (${config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}/db`})\n`);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
}
