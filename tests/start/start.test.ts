// `npm start` on a fresh machine: an empty DATA_DIR, a small demo corpus, free ports. It must come
// up and answer, refuse busy ports and a corpus it cannot build with the reason, and leave nothing
// behind when stopped. The web build is apps/web/.next, shared with tests/e2e (built once, when stale).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT } from '../e2e/stack.js';
import { tryBind } from '../../scripts/start/ports.mjs';
import { processTree, survivors, type ProcessRow } from './process-table.js';

const HOST = '127.0.0.1';

interface Muse {
  pid: number;
  running(): boolean;
  output(): string;
  /** resolves with the output once it matches, rejects if npm start ends first or time runs out */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** resolves once npm start and everything that shares its stdout have exited */
  closed: Promise<number | null>;
}

function npmStart(env: Record<string, string>): Muse {
  const { MUSE_SOUNDFONT: _inherited, ...baseEnv } = process.env;
  // its own process group, as a job in a terminal: what is left in it afterwards is left by npm start
  const child = spawn('npm', ['start'], { cwd: ROOT, env: { ...baseEnv, HOST, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const keep = (data: Buffer) => {
    output = (output + data.toString()).slice(-50_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const waitForOutput = async (pattern: RegExp, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    void closed.then(() => (ended = true));
    while (!pattern.test(output)) {
      if (ended) throw new Error(`npm start ended before printing ${pattern}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`npm start did not print ${pattern} within ${timeoutMs / 1000}s:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  return { pid: child.pid!, running: () => child.exitCode === null && child.signalCode === null, output: () => output, waitForOutput, closed };
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000}s`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function withDataDir<T>(run: (dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'muse-start-'));
  try {
    return await run(dataDir);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('npm start', { timeout: 20 * 60_000 }, () => {
  test('a port held by another process is named before anything starts', () =>
    withDataDir(async (dataDir) => {
      const holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, HOST, resolve));
      const heldPort = (holder.address() as { port: number }).port;
      try {
        const muse = npmStart({ DATA_DIR: dataDir, PORT: String(await freePort()), WEB_PORT: String(heldPort) });
        const code = await within(muse.closed, 60_000, 'refusing a busy port');
        assert.notEqual(code, 0);
        assert.match(muse.output(), new RegExp(`Port ${heldPort} on ${HOST} \\(WEB_PORT, for the web app\\) is in use`));
        if (existsSync('/proc/net/tcp')) assert.match(muse.output(), new RegExp(`by pid ${process.pid} `));
        assert.doesNotMatch(muse.output(), /corpus|Ingesting/);
      } finally {
        holder.close();
      }
    }));

  test('a corpus that cannot be built stops it with the reason, and the API never starts', () =>
    withDataDir(async (dataDir) => {
      const apiPort = await freePort();
      const muse = npmStart({ DATA_DIR: dataDir, PORT: String(apiPort), WEB_PORT: String(await freePort()), MUSE_DEMO_ITEMS: '2', MUSE_SOUNDFONT: '/nonexistent/file.sf3' });
      const code = await within(muse.closed, 120_000, 'a failing corpus build');
      assert.notEqual(code, 0, muse.output());
      assert.match(muse.output(), /SoundFont not found at \/nonexistent\/file\.sf3/);
      assert.match(muse.output(), /corpus build failed/);
      assert.doesNotMatch(muse.output(), /Ingesting|Muse is running/);
      assert.ok(!existsSync(join(dataDir, 'corpus', 'manifest.jsonl')), 'no manifest that looks finished');
      assert.equal(await tryBind(HOST, apiPort), null, 'the API port is free');
    }));

  test('Ctrl-C during the corpus build stops the build and leaves no manifest, so the next start resumes it', () =>
    withDataDir(async (dataDir) => {
      const muse = npmStart({ DATA_DIR: dataDir, PORT: String(await freePort()), WEB_PORT: String(await freePort()), MUSE_DEMO_ITEMS: '200' });
      await muse.waitForOutput(/building the 200-item ImMuTe demo subset/, 60_000);
      await new Promise((r) => setTimeout(r, 3_000));
      const tree = processTree(muse.pid);
      assert.ok(tree.some((p) => p.command.includes('cli.ts build')), 'the build is running');
      // a terminal sends Ctrl-C's SIGINT to its foreground process group
      process.kill(-muse.pid, 'SIGINT');
      await within(muse.closed, 60_000, 'stopping after Ctrl-C');
      assert.deepEqual(survivors(tree).map((p) => `${p.pid} ${p.command}`), []);
      assert.ok(!existsSync(join(dataDir, 'corpus', 'manifest.jsonl')), 'a half-built corpus has no manifest');
    }));

  test('builds, ingests and serves a fresh DATA_DIR, refuses a second start, and stops everything on SIGTERM', () =>
    withDataDir(async (dataDir) => {
      const apiPort = await freePort();
      const webPort = await freePort();
      const ports = { PORT: String(apiPort), WEB_PORT: String(webPort) };
      const muse = npmStart({ DATA_DIR: dataDir, MUSE_DEMO_ITEMS: '12', ...ports });
      let tree: ProcessRow[] = [];
      try {
        await muse.waitForOutput(/Muse is running/, 15 * 60_000);
        tree = processTree(muse.pid);

        const response = await fetch(`http://${HOST}:${apiPort}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ stats { audio images } }' }),
        });
        const { data, errors } = (await response.json()) as { data?: { stats: { audio: number; images: number } }; errors?: unknown };
        assert.equal(errors, undefined, JSON.stringify(errors));
        assert.ok(data!.stats.audio > 0 && data!.stats.images > 0, `stats: ${JSON.stringify(data)}`);
        const web = await fetch(`http://${HOST}:${webPort}/`);
        assert.equal(web.status, 200);

        // a second start, as after a crash that left these servers behind, names who holds the ports
        const second = npmStart({ DATA_DIR: dataDir, ...ports });
        assert.notEqual(await within(second.closed, 60_000, 'refusing busy ports'), 0);
        const apiHolder = new RegExp(`Port ${apiPort} on ${HOST} \\(PORT, for the API\\) is in use by pid (\\d+)`).exec(second.output());
        assert.ok(apiHolder, second.output());
        assert.ok(tree.some((p) => p.pid === Number(apiHolder[1])), `pid ${apiHolder[1]} is one of the first start's processes`);
        assert.match(second.output(), new RegExp(`Port ${webPort} on ${HOST} \\(WEB_PORT, for the web app\\) is in use`));
      } finally {
        if (muse.running()) process.kill(muse.pid, 'SIGTERM');
        await within(muse.closed, 60_000, 'stopping after SIGTERM');
      }
      assert.match(muse.output(), /Muse stopped\./);
      assert.deepEqual(survivors(tree).map((p) => `${p.pid} ${p.command}`), [], 'no process of npm start or of its process groups is left');
      assert.equal(await tryBind(HOST, apiPort), null, 'the API port is free');
      assert.equal(await tryBind(HOST, webPort), null, 'the web port is free');
    }));
});
