// Writes the GraphQL SDL to apps/api/schema.graphql (the web UI and clients build against it).
// Usage: npx tsx apps/api/scripts/emit-schema.ts [--check]
import 'reflect-metadata';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensurePrismaClient } from './ensure-client.mjs';

ensurePrismaClient();
const { printApiSchema } = await import('../src/schema/print-schema.js');
const target = fileURLToPath(new URL('../schema.graphql', import.meta.url));
const sdl = await printApiSchema();
if (process.argv.includes('--check')) {
  const current = readFileSync(target, 'utf8');
  if (current !== sdl) {
    console.error('apps/api/schema.graphql is out of date: run npx tsx apps/api/scripts/emit-schema.ts');
    process.exit(1);
  }
} else {
  writeFileSync(`${target}.tmp`, sdl);
  renameSync(`${target}.tmp`, target);
  console.error(`wrote ${target}`);
}
