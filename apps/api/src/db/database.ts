import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { isProcessAlive } from '../process-alive.util.js';

/** Plain SQL access next to Prisma, for migrations and schema checks only. */
export interface SqlExecutor {
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Database {
  prisma: PrismaClient;
  sql: SqlExecutor;
  engine: 'pglite' | 'postgresql';
  close(): Promise<void>;
}

export class DatabaseLockedError extends Error {}

export async function openDatabase(opts: { dataDir: string; databaseUrl?: string; statementTimeoutMs?: number }): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.statementTimeoutMs) : openPglite(join(opts.dataDir, 'db'));
}

async function openPostgres(url: string, statementTimeoutMs?: number): Promise<Database> {
  // one connection: session-level advisory locks taken by the migrator must be released on the same one
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  // the server cancels a runaway statement, so an abandoned request cannot hold a pooled connection for minutes
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 8, statement_timeout: statementTimeoutMs }) });
  return {
    prisma,
    engine: 'postgresql',
    sql: {
      async exec(sql) {
        await pool.query(sql);
      },
      async query(sql, params) {
        return (await pool.query(sql, params as unknown[])).rows;
      },
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openPglite(dir: string): Promise<Database> {
  mkdirSync(dir, { recursive: true });
  const releaseLock = acquireDirLock(`${dir}.lock`);
  try {
    const client = await PGlite.create(dir);
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(client) });
    return {
      prisma,
      engine: 'pglite',
      sql: {
        async exec(sql) {
          await client.exec(sql);
        },
        async query(sql, params) {
          return (await client.query(sql, params as unknown[])).rows as never[];
        },
      },
      async close() {
        await prisma.$disconnect();
        await client.close();
        releaseLock();
      },
    };
  } catch (err) {
    releaseLock();
    throw err;
  }
}

// PGlite is single-process: two processes opening the same directory would corrupt it.
function acquireDirLock(lockPath: string): () => void {
  const mine = String(process.pid);
  try {
    writeFileSync(lockPath, mine, { flag: 'wx' });
  } catch {
    const holder = Number(readFileSync(lockPath, 'utf8').trim());
    if (holder && holder !== process.pid && isProcessAlive(holder)) {
      throw new DatabaseLockedError(
        `the embedded database ${lockPath.replace(/\.lock$/, '')} is in use by process ${holder} ` +
          '(stop it first, or set DATABASE_URL to share a PostgreSQL database)',
      );
    }
    writeFileSync(lockPath, mine);
  }
  return () => {
    try {
      if (readFileSync(lockPath, 'utf8').trim() === mine) rmSync(lockPath);
    } catch {
      // already gone
    }
  };
}
