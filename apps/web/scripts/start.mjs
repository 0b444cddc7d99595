#!/usr/bin/env node
// Serves the production build: generates the GraphQL types (codegen.ts, which rewrites
// lib/generated/graphql.ts only when they change), builds when .next is missing or older than any
// source file, then runs `next start` on WEB_PORT / HOST (defaults 3000 / 127.0.0.1), forwarding
// /graphql and /media to MUSE_API_URL (default: the API's own HOST / PORT).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const webDir = fileURLToPath(new URL('..', import.meta.url));
const buildStamp = join(webDir, '.next', 'BUILD_ID');
const sourceEntries = ['app', 'components', 'lib', 'public', 'next.config.ts', 'package.json', 'tsconfig.json'];
const requireHere = createRequire(join(webDir, 'package.json'));
const nextBin = requireHere.resolve('next/dist/bin/next');
const codegenPackage = requireHere.resolve('@graphql-codegen/cli/package.json');
const codegenBin = join(codegenPackage, '..', requireHere(codegenPackage).bin['graphql-codegen']);

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function buildIsStale() {
  if (!existsSync(buildStamp)) return true;
  const builtAt = statSync(buildStamp).mtimeMs;
  return sourceEntries.some((entry) => newestMtime(join(webDir, entry)) > builtAt);
}

// No network here and no reason to phone home from a self-hosted app.
const env = { NEXT_TELEMETRY_DISABLED: '1', ...process.env };
// The API listens on HOST:PORT (contract defaults 127.0.0.1:4000); lib/forwardToApi.ts forwards there unless told otherwise.
if (!env.MUSE_API_URL) {
  const apiHost = !env.HOST || env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
  env.MUSE_API_URL = `http://${apiHost.includes(':') ? `[${apiHost}]` : apiHost}:${env.PORT || '4000'}`;
}

// Code generation, the build and the server all run as children: a signal to this script reaches whichever is running.
function runNode(bin, args, running) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: webDir, stdio: 'inherit', env });
  running.child = child;
  return new Promise((resolvePromise) => child.on('exit', (code, signal) => resolvePromise({ code, signal })));
}

async function run() {
  const running = { child: undefined, stopping: false };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      running.stopping = true;
      running.child?.kill(signal);
    });
  }
  // a stop that we asked for is a clean exit; anything else ending next is a failure
  const exitCode = ({ code }) => code ?? (running.stopping ? 0 : 1);
  const codegen = await runNode(codegenBin, ['--config', 'codegen.ts'], running);
  if (codegen.code !== 0 || running.stopping) process.exit(exitCode(codegen));
  if (buildIsStale()) {
    console.log('[web] building (sources changed or no build yet)…');
    const build = await runNode(nextBin, ['build'], running);
    if (build.code !== 0 || running.stopping) process.exit(exitCode(build));
  }
  const port = process.env.WEB_PORT || '3000';
  const host = process.env.HOST || '127.0.0.1';
  process.exit(exitCode(await runNode(nextBin, ['start', '-p', port, '-H', host], running)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) run();
