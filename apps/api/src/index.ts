// Public entry of @muse/api, for end-to-end tests and tools that run the API in process.
// The Prisma client must exist first: call ensurePrismaClient() from apps/api/scripts/ensure-client.mjs.
export { loadConfig, type Config, type Limits } from './config/config.js';
export { createLogger } from './logger.js';
export { startApi, type RunningApi } from './server.js';
export { openCore, openStorage, type Core } from './core.js';
