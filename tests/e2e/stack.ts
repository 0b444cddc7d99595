// Starts a real Muse stack for browser tests: the API (tsx apps/api/src/cli/api.ts) on a temp data
// dir and a free port, an API key made by the keys CLI, a small corpus ingested over GraphQL,
// and the production web build (`next start`) pointed at that API.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'e2e');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, timeoutMs: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before ${url} answered:\n${log()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${log()}`);
}

function spawnLogged(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (data: Buffer) => {
    output = (output + data.toString()).slice(-20000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, log: () => output };
}

export type UploadFiles = Record<string, { bytes: Buffer; name: string }>;

/**
 * Headers and body of a GraphQL POST: JSON, or a multipart request (operations, map, then the
 * files) when there are files; `variables.<name>` of each file is set by the map.
 */
export function graphqlRequest(query: string, variables: Record<string, unknown> = {}, files: UploadFiles = {}, apiKey?: string) {
  const headers: Record<string, string> = { 'apollo-require-preflight': 'true' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const names = Object.keys(files);
  if (!names.length) {
    headers['content-type'] = 'application/json';
    return { headers, body: JSON.stringify({ query, variables }) as BodyInit };
  }
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables }));
  form.append('map', JSON.stringify(Object.fromEntries(names.map((n, i) => [String(i), [`variables.${n}`]]))));
  names.forEach((n, i) => form.append(String(i), new Blob([new Uint8Array(files[n].bytes)]), files[n].name));
  return { headers, body: form as BodyInit };
}

export interface Stack {
  apiUrl: string;
  webUrl: string;
  apiKey: string;
  dataDir: string;
  /** the API's recent output, for failure messages */
  apiLog(): string;
  graphql<T>(query: string, variables?: Record<string, unknown>, files?: UploadFiles): Promise<T>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** a built ImMuTe corpus to ingest with the ingest CLI before the API starts */
  corpusDir?: string;
  corpusLibrary?: string;
  corpusLimit?: number;
  /** extra environment for the API, e.g. a small MUSE_MAX_UPLOAD_BYTES */
  apiEnv?: Record<string, string>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'muse-e2e-'));
  const apiPort = await freePort();
  const apiEnv = { DATA_DIR: dataDir, PORT: String(apiPort), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...options.apiEnv };

  // The key is made before the API starts: the embedded database allows one process at a time.
  const keys = spawnSync(TSX, ['apps/api/src/cli/keys.ts', 'create', '--name', 'e2e', '--scopes', 'read,write'], {
    cwd: ROOT,
    env: { ...process.env, ...apiEnv },
    encoding: 'utf8',
  });
  const apiKey = /muse_[A-Za-z0-9_-]{16,}/.exec(`${keys.stdout}\n${keys.stderr}`)?.[0];
  if (keys.status !== 0 || !apiKey) throw new Error(`could not create an API key:\n${keys.stdout}\n${keys.stderr}`);

  if (options.corpusDir) {
    const args = ['apps/api/src/cli/ingest.ts', '--corpus', options.corpusDir];
    if (options.corpusLibrary) args.push('--library', options.corpusLibrary);
    if (options.corpusLimit) args.push('--limit', String(options.corpusLimit));
    const ingest = spawnSync(TSX, args, { cwd: ROOT, env: { ...process.env, ...apiEnv }, encoding: 'utf8' });
    if (ingest.status !== 0) throw new Error(`ingest of ${options.corpusDir} failed:\n${ingest.stdout}\n${ingest.stderr}`);
  }

  const api = spawnLogged(TSX, ['apps/api/src/cli/api.ts'], apiEnv);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const children = [api.child];
  const stop = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${apiUrl}/readyz`, 180_000, api.child, api.log);
    const webPort = await freePort();
    // start.mjs builds first when the build is missing or older than the sources.
    const web = spawnLogged(process.execPath, ['apps/web/scripts/start.mjs'], {
      WEB_PORT: String(webPort),
      HOST: '127.0.0.1',
      MUSE_API_URL: apiUrl,
    });
    children.push(web.child);
    const webUrl = `http://127.0.0.1:${webPort}`;
    await waitFor(`${webUrl}/library`, 600_000, web.child, web.log);

    const graphql = async <T>(query: string, variables: Record<string, unknown> = {}, files: UploadFiles = {}) => {
      const { headers, body } = graphqlRequest(query, variables, files, apiKey);
      const response = await fetch(`${apiUrl}/graphql`, { method: 'POST', headers, body });
      const json = (await response.json()) as { data?: T; errors?: { message: string }[] };
      if (json.errors?.length) throw new Error(`${json.errors.map((e) => e.message).join('; ')}\nAPI log:\n${api.log().slice(-4000)}`);
      return json.data as T;
    };
    return { apiUrl, webUrl, apiKey, dataDir, apiLog: api.log, graphql, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
