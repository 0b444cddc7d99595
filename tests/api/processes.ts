// Real Muse processes on loopback for the multi-instance tests and the load bench: `apps/api/src/cli/api.ts`
// or `worker.ts` started as children, each waited for until it prints its ready line, and stopped
// with a signal (SIGKILL after a grace period, and always waited for, so that nothing writes into
// a folder being removed).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;

export function tempDir(prefix = 'muse-api-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Removes a folder and everything in it; retries while a process that just exited is still flushing into it. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}

export interface Proc {
  name: string;
  child: ChildProcess;
  /** the API's base URL (no /graphql); workers have none */
  url?: string;
  dataDir: string;
  /** the tail of stdout and stderr together, for failure messages */
  output: string[];
}

const READY = { api: /Muse API ready at (\S+)\/graphql/, worker: /Muse worker ready/ };
const OUTPUT_CHUNKS = 400;
const STOP_GRACE_MS = 15_000;

/** The processes a test file or bench started; `stopAll` in its cleanup stops every one, also those that failed to start. */
export class Processes {
  readonly all: Proc[] = [];

  constructor(private readonly startTimeoutMs = 180_000) {}

  /** Starts `apps/api/src/cli/<cli>.ts` with exactly `env` and waits for its ready line. */
  async start(name: string, cli: 'api' | 'worker', env: NodeJS.ProcessEnv, dataDir: string): Promise<Proc> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'apps/api/src/cli', `${cli}.ts`)], {
      cwd: REPO_ROOT,
      env: { ...env, DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc: Proc = { name, child, dataDir, output: [] };
    this.all.push(proc);
    const keep = (d: Buffer) => {
      proc.output.push(d.toString());
      if (proc.output.length > OUTPUT_CHUNKS) proc.output.splice(0, OUTPUT_CHUNKS / 2);
    };
    await new Promise<void>((resolve, reject) => {
      let started = false;
      const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${proc.output.join('')}`)), this.startTimeoutMs);
      child.stdout!.on('data', (d: Buffer) => {
        keep(d);
        const m = started ? null : READY[cli].exec(proc.output.join(''));
        if (m) {
          started = true;
          clearTimeout(timer);
          proc.url = m[1];
          resolve();
        }
      });
      child.stderr!.on('data', keep);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (!started) reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${proc.output.join('')}`));
      });
    });
    return proc;
  }

  /** Sends `signal`, then SIGKILL after the grace period; resolves once the process has exited, with its code or signal. */
  async stop(proc: Proc, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string | null> {
    const running = () => proc.child.exitCode === null && proc.child.signalCode === null;
    if (running()) {
      const exited = new Promise((resolve) => proc.child.once('exit', resolve));
      proc.child.kill(signal);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS))]);
      if (running()) {
        proc.child.kill('SIGKILL');
        await exited;
      }
    }
    return proc.child.exitCode ?? proc.child.signalCode;
  }

  /** Stops every process (in parallel) and removes their data folders; returns each one's exit. */
  async stopAll(signal: NodeJS.Signals = 'SIGTERM'): Promise<Record<string, number | string | null>> {
    const exits: Record<string, number | string | null> = {};
    await Promise.all(this.all.map(async (p) => (exits[p.name] = await this.stop(p, signal))));
    for (const p of this.all) removeDir(p.dataDir);
    return exits;
  }
}

/** A process's resident memory (VmRSS) in MiB, or null when it is gone. */
export function rssMiB(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}
