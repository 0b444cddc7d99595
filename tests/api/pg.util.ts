import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** PostgreSQL the tests may use (CI and the dev machine run one on 127.0.0.1:5432, trust auth). */
export const PG_ADMIN_URL = process.env.MUSE_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Creates a fresh, uniquely named database; returns its URL and a function that drops it. */
export async function createTempDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `muse_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
