#!/usr/bin/env node
// `npm start`: fresh clone → running platform on the embedded defaults.
// 0. checks that HOST:PORT and HOST:WEB_PORT are free (naming the holder when not) before anything starts,
// 1. builds the demo corpus (a documented subset of ImMuTe) unless DATA_DIR has a finished one,
//    resuming a half-built one; a build that fails stops here with its reason,
// 2. ingests and indexes it (idempotent: already-ingested files are skipped by content hash),
// 3. serves the API and the web app, and prints both URLs once each answers.
// Every child leads its own process group: a signal, a dead server or an error in this script
// stops all of them (and what they spawned) before it exits.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusState } from './start/corpus-state.mjs';
import { busyPorts } from './start/ports.mjs';
import { ProcessGroups } from './start/process-groups.mjs';

const STOP_GRACE_MS = 10_000;
const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = resolve(root, process.env.DATA_DIR ?? 'data');
const corpusDir = join(dataDir, 'corpus');
const demoItems = Number(process.env.MUSE_DEMO_ITEMS ?? '320');
const host = process.env.HOST ?? '127.0.0.1';
const apiPort = Number(process.env.PORT ?? '4000');
const webPort = Number(process.env.WEB_PORT ?? '3000');
const env = { ...process.env, DATA_DIR: dataDir };
const groups = new ProcessGroups();

function npmRun(args) {
  return groups.spawn('npm', ['run', '--silent', ...args], { cwd: root, env, stdio: 'inherit' });
}

function run(args, label) {
  return new Promise((resolvePromise, reject) => {
    const child = npmRun(args);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${label} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

function serve(args, label) {
  const child = npmRun(args);
  child.on('exit', (code, signal) => {
    if (!stopping) stop(1, `${label} stopped (${signal ?? `exit code ${code}`}); shutting down`);
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

let stopping;
function stop(code, reason) {
  if (stopping) return stopping;
  if (reason) console.error(reason);
  console.log('Stopping Muse…');
  stopping = groups.stopAll(STOP_GRACE_MS).then((left) => {
    if (left.length) console.error(`process groups ${left.join(', ')} did not stop`);
    else console.log('Muse stopped.');
    process.exit(code);
  });
  return stopping;
}

// `kill <pid of npm start>` ends npm and the `sh -c` it runs us in, but npm does not pass the
// signal on to us: our parent going away is the only sign that we were asked to stop.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) stop(0, `the process that started this one (pid ${parentPid}) has gone`);
}, 1000).unref();

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    // a second Ctrl-C while stopping means "now"
    if (stopping) {
      groups.killAllNow();
      process.exit(1);
    }
    stop(0);
  });
}
process.on('uncaughtException', (error) => stop(1, `npm start failed: ${error?.stack ?? error}`));
process.on('unhandledRejection', (error) => stop(1, `npm start failed: ${error?.stack ?? error}`));
process.on('exit', () => groups.killAllNow());

try {
  const busy = await busyPorts(host, [
    { port: apiPort, envName: 'PORT', role: 'API' },
    { port: webPort, envName: 'WEB_PORT', role: 'web app' },
  ]);
  if (busy.length) throw new Error(busy.join('\n'));

  const corpus = corpusState(corpusDir, demoItems);
  if (!corpus.complete) {
    console.log(corpus.why);
    await run(['corpus', '--', 'build', '--out', corpusDir, '--from', String(corpus.from), '--limit', String(corpus.limit)], 'corpus build').catch((error) => {
      throw new Error(`${error.message}: the corpus in ${corpusDir} is not finished (reason above); fix it and run npm start again, finished items are kept`);
    });
    if (!corpusState(corpusDir, demoItems).complete) throw new Error(`the corpus build in ${corpusDir} ended without a finished corpus`);
  }
  console.log(`Ingesting ${corpusDir}…`);
  await run(['ingest', '--', '--corpus', corpusDir], 'ingest');

  serve(['api'], 'API');
  serve(['web'], 'web app');
  await waitFor(`http://${host}:${apiPort}/readyz`, 'API', 5 * 60_000);
  await waitFor(`http://${host}:${webPort}/`, 'web app', 10 * 60_000);
  console.log(`\nMuse is running:\n  API (GraphQL)  http://${host}:${apiPort}/graphql\n  Web app        http://${host}:${webPort}/\n`);
} catch (error) {
  stop(1, error instanceof Error ? error.message : String(error));
}
