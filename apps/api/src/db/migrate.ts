import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlExecutor } from './database.js';

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationChecksumError extends Error {}

const LOCK_KEY = 720_341_997; // arbitrary, constant: serialises concurrent migrators on PostgreSQL

export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** Applies pending migrations in order, each in its own transaction; returns the names applied. */
export async function migrate(sql: SqlExecutor, migrations: Migration[], usesAdvisoryLock: boolean): Promise<string[]> {
  await sql.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`);
  if (usesAdvisoryLock) await sql.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
  try {
    const rows = await sql.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    const done: string[] = [];
    for (const m of migrations) {
      const previous = applied.get(m.name);
      if (previous !== undefined) {
        if (previous !== m.checksum) {
          throw new MigrationChecksumError(`migration ${m.name} was changed after it was applied (checksum differs)`);
        }
        continue;
      }
      const id = randomUUID();
      const steps = m.sql.split(';').filter((s) => s.trim() && !/^\s*(--[^\n]*\n?\s*)*$/.test(s)).length;
      await sql.exec(
        `BEGIN;\n${m.sql}\n;INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) ` +
          `VALUES ('${id}', '${m.checksum}', now(), '${m.name.replace(/'/g, "''")}', ${steps});\nCOMMIT;`,
      ).catch(async (err) => {
        await sql.exec('ROLLBACK').catch(() => undefined);
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
      });
      done.push(m.name);
    }
    return done;
  } finally {
    if (usesAdvisoryLock) await sql.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
  }
}
