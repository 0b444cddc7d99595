// What `npm run keys` does, two ways: through the running API (GraphQL), or on the database
// directly when no API runs (the only way to make the very first key without the local admin file).
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import { openStorage } from '../core.js';

export interface KeyInfo {
  id: string;
  prefix: string;
  name: string;
  scopes: string[];
  createdAt: Date;
  revokedAt: Date | null;
}

export interface KeyAdmin {
  /** where the work happens, for messages */
  readonly where: string;
  create(name: string, scopes: string[]): Promise<{ key: string; apiKey: KeyInfo }>;
  list(): Promise<KeyInfo[]>;
  /** the keys revoked; throws when none matches */
  revoke(idOrPrefix: string): Promise<KeyInfo[]>;
  close(): Promise<void>;
}

export async function openDatabaseKeyAdmin(config: Config, logger: Logger): Promise<KeyAdmin> {
  const storage = await openStorage(config, logger);
  return {
    where: `the database (${storage.db.engine})`,
    async create(name, scopes) {
      const made = await storage.auth.createKey(name, scopes);
      return { key: made.key, apiKey: made.row };
    },
    list: () => storage.auth.list(),
    revoke: (idOrPrefix) => storage.auth.revoke(idOrPrefix),
    close: () => storage.db.close(),
  };
}
