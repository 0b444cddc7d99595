// Spreads item indices over worker threads. A worker that dies (at start-up or mid-item) takes its
// reason with it, so the items it held or would have rendered fail with that reason instead of vanishing.
import { Worker } from 'node:worker_threads';
import type { WorkerReply } from './worker.js';

export interface ItemFailure { index: number; error: string }

export interface PoolOutcome {
  rendered: number;
  audioMs: number;
  imageMs: number;
  failed: ItemFailure[];
}

/**
 * Workers are TypeScript too: register the tsx loader inside the worker before importing it.
 * No catch: a start-up error becomes the worker's 'error' event, which carries its message.
 */
const WORKER_BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then(({ register }) => { register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); });`;

export function renderInWorkers(
  indices: number[],
  poolSize: number,
  workerData: { outDir: string; csvPath: string },
  onSettled: (settled: number) => void,
): Promise<PoolOutcome> {
  const queue = [...indices];
  const outcome: PoolOutcome = { rendered: 0, audioMs: 0, imageMs: 0, failed: [] };
  const fail = (index: number, error: string): void => {
    outcome.failed.push({ index, error });
    onSettled(outcome.rendered + outcome.failed.length);
  };
  return new Promise((resolve) => {
    let live = Math.min(poolSize, queue.length);
    if (live === 0) resolve(outcome);
    for (let w = Math.min(poolSize, queue.length); w > 0; w--) {
      const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData });
      let current: number | undefined;
      let death: string | undefined;
      const feed = (): void => {
        current = queue.shift();
        worker.postMessage(current === undefined ? null : { index: current });
      };
      worker.on('message', (msg: WorkerReply) => {
        if (msg.type === 'done') {
          outcome.rendered++;
          outcome.audioMs += msg.audioMs;
          outcome.imageMs += msg.imageMs;
          onSettled(outcome.rendered + outcome.failed.length);
        } else if (msg.type === 'failed') {
          fail(msg.index, msg.error);
        }
        feed();
      });
      worker.on('error', (err) => {
        death = `worker thread died: ${err.stack ?? err.message}`;
      });
      worker.on('exit', (code) => {
        const reason = death ?? `worker thread exited with code ${code}`;
        if (current !== undefined) fail(current, reason);
        current = undefined;
        if (--live > 0) return;
        // the last worker is gone: nobody is left to render what is still queued
        for (const index of queue.splice(0)) fail(index, reason);
        outcome.failed.sort((a, b) => a.index - b.index);
        resolve(outcome);
      });
    }
  });
}
