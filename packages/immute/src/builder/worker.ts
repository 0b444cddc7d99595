// Worker thread: loads the SoundFont once, then renders the items the main thread hands it.
import { parentPort, workerData } from 'node:worker_threads';
import { loadImmuteRows } from '../metadata/immute-metadata.js';
import { loadSoundBank } from '../render/soundfont.js';
import { planItem, renderItem } from '../item.js';

export interface WorkerRequest { index: number }
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'done'; index: number; audioMs: number; imageMs: number }
  | { type: 'failed'; index: number; error: string };

const { outDir, csvPath } = workerData as { outDir: string; csvPath?: string };
const rows = loadImmuteRows(csvPath);
loadSoundBank();
const port = parentPort!;
port.on('message', async (req: WorkerRequest | null) => {
  if (req === null) {
    port.close();
    return;
  }
  try {
    const r = await renderItem(planItem(rows[req.index]), outDir);
    port.postMessage({ type: 'done', index: req.index, ...r } satisfies WorkerReply);
  } catch (err) {
    port.postMessage({ type: 'failed', index: req.index, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies WorkerReply);
  }
});
port.postMessage({ type: 'ready' } satisfies WorkerReply);
