#!/usr/bin/env node
// `npm start`: fresh clone → running platform on the embedded defaults.
// 1. builds the demo corpus (a documented subset of ImMuTe) if DATA_DIR has none,
// 2. ingests and indexes it (idempotent: already-ingested files are skipped by content hash),
// 3. serves the API and the web app, and prints both URLs once each answers.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const dataDir = resolve(root, process.env.DATA_DIR ?? 'data');
const corpusDir = join(dataDir, 'corpus');
const demoItems = process.env.MUSE_DEMO_ITEMS ?? '320';
const host = process.env.HOST ?? '127.0.0.1';
const apiPort = process.env.PORT ?? '4000';
const webPort = process.env.WEB_PORT ?? '3000';
const env = { ...process.env, DATA_DIR: dataDir };
const children = new Set();

function run(args, label) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('npm', ['run', '--silent', ...args], { cwd: root, env, stdio: 'inherit' });
    children.add(child);
    child.on('exit', (code) => {
      children.delete(child);
      if (code === 0) resolvePromise();
      else reject(new Error(`${label} failed with exit code ${code}`));
    });
  });
}

function serve(args, label) {
  const child = spawn('npm', ['run', '--silent', ...args], { cwd: root, env, stdio: 'inherit' });
  children.add(child);
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`${label} stopped (${signal ?? `exit code ${code}`}); shutting down`);
      stop(1);
    }
  });
}

async function waitFor(url, label, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${label} did not become ready at ${url} within ${timeoutMs / 1000}s`);
}

let stopping = false;
function stop(code) {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  process.exitCode = code;
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

try {
  if (!existsSync(join(corpusDir, 'manifest.jsonl'))) {
    console.log(`No corpus in ${corpusDir}: building the ${demoItems}-item ImMuTe demo subset…`);
    await run(['corpus', '--', 'build', '--out', corpusDir, '--limit', demoItems], 'corpus build');
  }
  console.log(`Ingesting ${corpusDir}…`);
  await run(['ingest', '--', '--corpus', corpusDir], 'ingest');

  serve(['api'], 'API');
  serve(['web'], 'web app');
  await waitFor(`http://${host}:${apiPort}/readyz`, 'API', 5 * 60_000);
  await waitFor(`http://${host}:${webPort}/`, 'web app', 10 * 60_000);
  console.log(`\nMuse is running:\n  API (GraphQL)  http://${host}:${apiPort}/graphql\n  Web app        http://${host}:${webPort}/\n`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  stop(1);
}
