// Shared helpers for the API integration tests: a real server on a free port with a temp
// DATA_DIR; the client side (GraphQL over HTTP, generated media) is in client.ts, re-exported here.
import 'reflect-metadata';
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrismaClient } from '../../apps/api/scripts/ensure-client.mjs';
import { REPO_ROOT, removeDir, tempDir } from './processes.js';

ensurePrismaClient();
const { loadConfig } = await import('../../apps/api/src/config/config.js');
const { createLogger } = await import('../../apps/api/src/logger.js');
const { startApi } = await import('../../apps/api/src/server.js');
type RunningApi = Awaited<ReturnType<typeof startApi>>;

export * from './client.js';
export { REPO_ROOT, removeDir, tempDir } from './processes.js';
/** Tests run the shipped bundle that models/default names, as the service does (MUSE_TEST_MODEL overrides). */
export const TEST_MODEL = process.env.MUSE_TEST_MODEL ?? readFileSync(join(REPO_ROOT, 'models/default'), 'utf8').trim();

export function testEnv(dataDir: string, env: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    MUSE_MODEL: TEST_MODEL,
    LOG_LEVEL: process.env.MUSE_TEST_LOG_LEVEL ?? 'silent',
    MUSE_INDEX_SAVE_DELAY_MS: '50',
    ...env,
  };
}

export interface TestApi {
  url: string;
  api: RunningApi;
  close(): Promise<void>;
  key(scopes: string[]): Promise<string>;
}

export async function startTestApi(dataDir: string, env: Record<string, string | undefined> = {}): Promise<TestApi> {
  const config = loadConfig(testEnv(dataDir, env));
  const api = await startApi(config, createLogger(config.logLevel));
  return {
    url: api.url,
    api,
    close: () => api.close(),
    key: async (scopes) => (await api.core.services.auth.createKey('test', scopes)).key,
  };
}

/**
 * A test API on a fresh data folder for the whole test file: started (then `setup` run on it)
 * before its tests, closed and removed after them. Use the handle only inside tests. Setup goes
 * through `setup`, not a second top-level `before`: on Node 20 a second root hook was seen to
 * start before this one's server was up.
 */
export function serveTestApi(
  env: Record<string, string | undefined> = {},
  setup: (server: TestApi) => Promise<void> = async () => {},
): TestApi & { dataDir: string } {
  let dataDir = '';
  let server: TestApi | undefined;
  before(async () => {
    dataDir = tempDir();
    server = await startTestApi(dataDir, env);
    await setup(server);
  });
  after(async () => {
    await server?.close();
    if (dataDir) removeDir(dataDir);
  });
  const running = (): TestApi => server ?? assert.fail('the test API is not running (used outside a test or hook?)');
  return {
    get url() { return running().url; },
    get api() { return running().api; },
    get dataDir() { return dataDir; },
    close: () => running().close(),
    key: (scopes) => running().key(scopes),
  };
}

