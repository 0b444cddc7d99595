#!/usr/bin/env node
// Runs every *.test.ts under packages/, apps/, training/ and tests/ with node's test runner (through tsx),
// printing the spec report and, last, "N passed, N failed".
// Usage: npm test [-- <substring> ...]   (only test files whose path contains a substring)
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const skipDirs = new Set(['node_modules', '.next', 'data', 'dist', '.git', 'generated']);

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!skipDirs.has(entry.name)) found.push(...findTests(join(dir, entry.name)));
    } else if (entry.name.endsWith('.test.ts')) {
      found.push(relative(root, join(dir, entry.name)));
    }
  }
  return found;
}

const filters = process.argv.slice(2);
const files = ['packages', 'apps', 'training', 'tests']
  .flatMap((top) => findTests(join(root, top)))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();

if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  [
    '--import', 'tsx',
    '--test',
    '--test-concurrency=1',
    // a test file that has not finished after 10 minutes fails (on Node 20 the limit is per file), instead of
    // holding CI: also one whose cleanup left a handle open (a socket, a timer). Not --test-force-exit: it ends
    // the run before the summary reporter has written its line.
    '--test-timeout=600000',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=./scripts/test-summary-reporter.mjs', '--test-reporter-destination=stdout',
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, MUSE_TEST: '1' } },
);
process.exit(result.status ?? 1);
