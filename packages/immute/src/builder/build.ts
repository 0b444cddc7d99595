// Corpus build: skip complete items, spread the rest over worker threads, then write the manifest
// only if every requested item is complete, so `manifest.jsonl` existing means a finished corpus.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ImmuteError } from '../errors.js';
import { loadImmuteRows, IMMUTE_CSV_PATH } from '../metadata/immute-metadata.js';
import { manifestEntry, planItem } from '../item.js';
import { itemComplete, writeFileAtomic } from './files.js';
import { renderInWorkers, type ItemFailure } from './pool.js';
import { ProgressBar } from './progress.js';

export interface BuildOptions {
  outDir: string;
  from?: number;
  limit?: number;
  workers?: number;
  csvPath?: string;
  quiet?: boolean;
}

export interface BuildReport {
  outDir: string;
  range: [number, number];
  requested: number;
  alreadyComplete: number;
  rendered: number;
  failed: ItemFailure[];
  /** every requested item is complete and the manifest lists them all */
  complete: boolean;
  /** 0 when the build is incomplete: no manifest is written then */
  manifestItems: number;
  wallSeconds: number;
  itemsPerSecond: number;
  audioMsPerItem: number;
  imageMsPerItem: number;
  unknownAspects: { total: number; distinct: number; top: [string, number][] };
}

export const MAX_WORKERS = 16;

export async function buildCorpus(opts: BuildOptions): Promise<BuildReport> {
  const started = performance.now();
  const csvPath = opts.csvPath ?? IMMUTE_CSV_PATH;
  const rows = loadImmuteRows(csvPath);
  const from = opts.from ?? 0;
  const limit = opts.limit ?? rows.length - from;
  const workers = opts.workers ?? 2;
  if (!Number.isInteger(from) || from < 0 || from >= rows.length) throw new ImmuteError('BAD_USER_INPUT', `--from must be an integer in 0..${rows.length - 1}`);
  if (!Number.isInteger(limit) || limit < 1) throw new ImmuteError('BAD_USER_INPUT', '--limit must be a positive integer');
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) throw new ImmuteError('BAD_USER_INPUT', `--workers must be an integer in 1..${MAX_WORKERS}`);
  const to = Math.min(rows.length, from + limit);
  const outDir = opts.outDir;
  for (const d of ['audio', 'midi', 'hum', 'images']) mkdirSync(join(outDir, d), { recursive: true });
  removeStaleTemps(outDir);

  const indices = Array.from({ length: to - from }, (_, i) => from + i);
  // a killed build must not leave an earlier build's "complete" report behind
  rmSync(join(outDir, 'build-report.json'), { force: true });
  const pending = indices.filter((i) => !itemComplete(outDir, i));
  const bar = opts.quiet || pending.length === 0 ? undefined : new ProgressBar(pending.length, 'immute');
  const { rendered, audioMs, imageMs, failed } = await renderInWorkers(pending, workers, { outDir, csvPath }, (n) => bar?.update(n));
  bar?.finish();

  const unknown = new Map<string, number>();
  const lines: string[] = [];
  for (const i of indices) {
    if (!itemComplete(outDir, i)) continue;
    const entry = manifestEntry(planItem(rows[i]));
    entry.unknownAspects.forEach((a) => unknown.set(a.toLowerCase(), (unknown.get(a.toLowerCase()) ?? 0) + 1));
    lines.push(JSON.stringify(entry));
  }
  const complete = lines.length === indices.length;
  if (complete) writeFileAtomic(join(outDir, 'manifest.jsonl'), `${lines.join('\n')}\n`);
  else rmSync(join(outDir, 'manifest.jsonl'), { force: true });
  const wallSeconds = (performance.now() - started) / 1000;
  const report: BuildReport = {
    outDir, range: [from, to], requested: indices.length, alreadyComplete: indices.length - pending.length,
    rendered, failed, complete, manifestItems: complete ? lines.length : 0,
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    itemsPerSecond: Math.round((rendered / wallSeconds) * 100) / 100,
    audioMsPerItem: rendered ? Math.round(audioMs / rendered) : 0,
    imageMsPerItem: rendered ? Math.round(imageMs / rendered) : 0,
    unknownAspects: {
      total: [...unknown.values()].reduce((a, b) => a + b, 0),
      distinct: unknown.size,
      top: [...unknown.entries()].sort((a, b) => b[1] - a[1]).slice(0, 50),
    },
  };
  writeFileAtomic(join(outDir, 'build-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** an interrupted build can leave `*.tmp-*` files; they are never complete, so they go */
function removeStaleTemps(outDir: string): void {
  for (const d of ['audio', 'midi', 'hum', 'images', '.']) {
    const dir = join(outDir, d);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (f.includes('.tmp-')) rmSync(join(dir, f), { force: true });
  }
}
