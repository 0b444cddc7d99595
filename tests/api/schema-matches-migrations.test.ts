// The SQL migrations, applied to a fresh database, give exactly what prisma/schema.prisma
// describes (tables, columns, types, nullability, defaults, keys, indexes, foreign keys,
// enums), on PGlite and on PostgreSQL; migrating is idempotent and detects edited migrations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { REPO_ROOT, removeDir, tempDir } from './harness.js';
import { createTempDatabase } from './pg.util.js';

const { openDatabase } = await import('../../apps/api/src/db/database.js');
const { migrate, readMigrations, MigrationChecksumError } = await import('../../apps/api/src/db/migrate.js');
type SqlExecutor = Awaited<ReturnType<typeof openDatabase>>['sql'];

const MIGRATIONS = join(REPO_ROOT, 'prisma/migrations');
const schemaWasm = createRequire(import.meta.url)('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };

interface Catalog {
  tables: Record<string, Record<string, { type: string; nullable: boolean; default: string | null }>>;
  indexes: string[];
  foreignKeys: string[];
  enums: Record<string, string[]>;
}

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  Float: 'double precision',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
  BigInt: 'bigint',
};

/** What schema.prisma says the database must contain, from Prisma's own DMMF. */
function expectedCatalog(): Catalog {
  const dmmf = JSON.parse(schemaWasm.get_dmmf(JSON.stringify({ prismaSchema: readFileSync(join(REPO_ROOT, 'prisma/schema.prisma'), 'utf8') })));
  const { models, enums, indexes } = dmmf.datamodel;
  const table = (model: string) => {
    const m = models.find((x: any) => x.name === model);
    return m.dbName ?? m.name;
  };
  const column = (model: string, field: string) => {
    const f = models.find((x: any) => x.name === model).fields.find((x: any) => x.name === field);
    return f.dbName ?? f.name;
  };
  const catalog: Catalog = { tables: {}, indexes: [], foreignKeys: [], enums: {} };
  for (const e of enums) catalog.enums[e.dbName ?? e.name] = e.values.map((v: any) => v.dbName ?? v.name);
  for (const m of models) {
    const cols: Catalog['tables'][string] = {};
    for (const f of m.fields) {
      if (f.kind === 'object') {
        if (f.relationFromFields?.length) {
          const from = f.relationFromFields.map((x: string) => column(m.name, x)).join(',');
          const to = f.relationToFields.map((x: string) => column(f.type, x)).join(',');
          const onDelete = (f.relationOnDelete ?? 'NoAction').toUpperCase().replace('NOACTION', 'NO ACTION').replace('SETNULL', 'SET NULL');
          catalog.foreignKeys.push(`${m.dbName ?? m.name}(${from}) -> ${table(f.type)}(${to}) ON DELETE ${onDelete}`);
        }
        continue;
      }
      let type = f.kind === 'enum' ? f.type : SCALAR_TYPES[f.type];
      if (f.nativeType?.[0] === 'Uuid') type = 'uuid';
      if (f.isList) type += '[]';
      let def: string | null = null;
      if (f.default?.name === 'autoincrement') def = 'autoincrement';
      else if (f.default?.name === 'now') def = 'now';
      else if (f.default !== undefined && typeof f.default !== 'object') def = String(f.default);
      cols[f.dbName ?? f.name] = { type, nullable: !f.isRequired || f.isList, default: def };
    }
    catalog.tables[m.dbName ?? m.name] = cols;
  }
  for (const idx of indexes) {
    const cols = idx.fields.map((f: any) => column(idx.model, f.name)).join(',');
    const kind = idx.type === 'id' ? 'PRIMARY' : idx.type === 'unique' ? 'UNIQUE' : 'INDEX';
    catalog.indexes.push(`${table(idx.model)} ${kind} (${cols})`);
  }
  catalog.indexes.sort();
  catalog.foreignKeys.sort();
  return catalog;
}

/** What the migrated database actually contains, from information_schema and pg_catalog. */
async function actualCatalog(sql: SqlExecutor): Promise<Catalog> {
  const catalog: Catalog = { tables: {}, indexes: [], foreignKeys: [], enums: {} };
  const columns = await sql.query<any>(`
    SELECT c.table_name, c.column_name, c.is_nullable, c.column_default,
           format_type(a.atttypid, a.atttypmod) AS type
    FROM information_schema.columns c
    JOIN pg_catalog.pg_class t ON t.relname = c.table_name
    JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace AND n.nspname = c.table_schema
    JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attname = c.column_name
    WHERE c.table_schema = 'public' AND c.table_name <> '_prisma_migrations'`);
  for (const c of columns) {
    const def: string | null = c.column_default;
    const normalised =
      def === null ? null
      : def.startsWith('nextval(') ? 'autoincrement'
      : def === 'CURRENT_TIMESTAMP' ? 'now'
      : def.replace(/^'(.*)'::.*$/, '$1');
    (catalog.tables[c.table_name] ??= {})[c.column_name] = {
      type: c.type.replace(/^"(.*)"$/, '$1').replace(/^"(.*)"\[\]$/, '$1[]'),
      nullable: c.is_nullable === 'YES',
      default: normalised,
    };
  }
  const indexes = await sql.query<any>(`
    SELECT t.relname AS table_name, ix.indisprimary, ix.indisunique,
           array_to_string(array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord), ',') AS cols
    FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'`);
  catalog.indexes = indexes.map((i) => `${i.table_name} ${i.indisprimary ? 'PRIMARY' : i.indisunique ? 'UNIQUE' : 'INDEX'} (${i.cols})`).sort();
  const fks = await sql.query<any>(`
    SELECT c.conrelid::regclass::text AS src, c.confrelid::regclass::text AS dst, c.confdeltype,
      array_to_string(array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o), ',') AS src_cols,
      array_to_string(array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o), ',') AS dst_cols
    FROM pg_constraint c WHERE c.contype = 'f'`);
  const action: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };
  catalog.foreignKeys = fks.map((f) => `${f.src.replace(/"/g, '')}(${f.src_cols}) -> ${f.dst.replace(/"/g, '')}(${f.dst_cols}) ON DELETE ${action[f.confdeltype]}`).sort();
  const enums = await sql.query<any>(`SELECT t.typname, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid ORDER BY t.typname, e.enumsortorder`);
  for (const e of enums) (catalog.enums[e.typname] ??= []).push(e.enumlabel);
  return catalog;
}

async function checkEngine(open: () => ReturnType<typeof openDatabase>) {
  const db = await open();
  try {
    const migrations = readMigrations(MIGRATIONS);
    assert.ok(migrations.length >= 1);
    assert.deepEqual(await migrate(db.sql, migrations, db.engine === 'postgresql'), migrations.map((m) => m.name));
    assert.deepEqual(await migrate(db.sql, migrations, db.engine === 'postgresql'), [], 'a second run applies nothing');
    const recorded = await db.sql.query<any>('SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name');
    assert.deepEqual(recorded.map((r) => [r.migration_name, r.checksum]), migrations.map((m) => [m.name, m.checksum]));
    assert.deepEqual(await actualCatalog(db.sql), expectedCatalog());
    // and the generated client works against it
    assert.equal(await db.prisma.asset.count(), 0);
  } finally {
    await db.close();
  }
}

test('the migrated PGlite database matches schema.prisma', async () => {
  const dir = tempDir();
  try {
    await checkEngine(() => openDatabase({ dataDir: dir }));
  } finally {
    removeDir(dir);
  }
});

test('the migrated PostgreSQL database matches schema.prisma', async () => {
  const pg = await createTempDatabase();
  try {
    await checkEngine(() => openDatabase({ dataDir: '/nonexistent', databaseUrl: pg.url }));
  } finally {
    await pg.drop();
  }
});

test('a migration edited after it was applied is refused', async () => {
  const dir = tempDir();
  const copy = join(dir, 'migrations');
  cpSync(MIGRATIONS, copy, { recursive: true });
  const db = await openDatabase({ dataDir: dir });
  try {
    await migrate(db.sql, readMigrations(copy), false);
    const first = readMigrations(copy)[0];
    appendFileSync(join(copy, first.name, 'migration.sql'), '\n-- edited\n');
    await assert.rejects(migrate(db.sql, readMigrations(copy), false), MigrationChecksumError);
  } finally {
    await db.close();
    removeDir(dir);
  }
});

test('two processes cannot open the same embedded database', async () => {
  const dir = tempDir();
  const db = await openDatabase({ dataDir: dir });
  try {
    // the lock file names this process; pretend another live process (our parent) holds it
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'db.lock'), String(process.ppid));
    await assert.rejects(openDatabase({ dataDir: dir }), /in use by process/);
    writeFileSync(join(dir, 'db.lock'), String(process.pid));
  } finally {
    await db.close();
    removeDir(dir);
  }
});
