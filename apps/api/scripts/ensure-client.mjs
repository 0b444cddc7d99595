#!/usr/bin/env node
// Generates the Prisma client (apps/api/src/generated/prisma, git-ignored) when it is missing
// or was generated from a different prisma/schema.prisma. Runs offline: `prisma generate`
// only needs the wasm shipped in the npm package, but the CLI insists that a schema-engine
// binary exists (it cannot be downloaded here), so we point it at an empty placeholder file.
// Usage: node apps/api/scripts/ensure-client.mjs   (also called by the API, the CLIs and tests)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const schemaPath = join(root, 'prisma/schema.prisma');
const outDir = join(root, 'apps/api/src/generated/prisma');
const stampPath = join(outDir, '.schema-sha256');

export function ensurePrismaClient() {
  const schemaHash = createHash('sha256').update(readFileSync(schemaPath)).digest('hex');
  if (existsSync(join(outDir, 'client.ts')) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === schemaHash) {
    return false;
  }
  const placeholderDir = join(tmpdir(), 'muse-prisma');
  mkdirSync(placeholderDir, { recursive: true });
  const placeholder = join(placeholderDir, 'schema-engine-placeholder');
  if (!existsSync(placeholder)) writeFileSync(placeholder, '', { mode: 0o755 });
  const require = createRequire(import.meta.url);
  const cli = join(require.resolve('prisma/package.json'), '..', 'build', 'index.js');
  const run = spawnSync(process.execPath, [cli, 'generate', '--schema', schemaPath], {
    cwd: root,
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: placeholder, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    throw new Error(`prisma generate failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  writeFileSync(stampPath, schemaHash);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const generated = ensurePrismaClient();
  console.error(generated ? 'prisma client generated' : 'prisma client up to date');
}
