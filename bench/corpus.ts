// Corpus rendering speed: items per second for audio (10 s clip + 2 hum views) and for images,
// measured in one process on the first N rows (default 64), plus a 2-worker build of the same rows.
// Usage: npm run bench -- corpus [--n 64]
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, renameSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { buildCorpus, loadImmuteRows, planItem, renderItem } from '@muse/immute';

const nFlag = process.argv.indexOf('--n');
const n = nFlag > 0 ? Number(process.argv[nFlag + 1]) : 64;
const rows = loadImmuteRows().slice(0, n);
const dir = mkdtempSync(join(tmpdir(), 'immute-bench-'));
try {
  // warm-up: SoundFont load and JIT
  await renderItem(planItem(rows[0]), join(dir, 'warm'));
  let audioMs = 0;
  let imageMs = 0;
  let planMs = 0;
  for (const row of rows) {
    const t0 = performance.now();
    const plan = planItem(row);
    planMs += performance.now() - t0;
    const r = await renderItem(plan, join(dir, 'seq'));
    audioMs += r.audioMs;
    imageMs += r.imageMs;
  }
  const build = await buildCorpus({ outDir: join(dir, 'build'), limit: n, workers: 2, quiet: true });
  const fullReport = join('data', 'corpus', 'build-report.json');
  const full = existsSync(fullReport) ? JSON.parse(readFileSync(fullReport, 'utf8')) : null;
  const result = {
    name: 'corpus',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model },
    items: n,
    singleProcess: {
      audioItemsPerSecond: round(n / (audioMs / 1000)),
      imageItemsPerSecond: round(n / (imageMs / 1000)),
      planItemsPerSecond: round(n / (planMs / 1000)),
      audioMsPerItem: round(audioMs / n),
      imageMsPerItem: round(imageMs / n),
    },
    build2Workers: { itemsPerSecond: build.itemsPerSecond, wallSeconds: build.wallSeconds, note: 'includes worker start-up (SoundFont load) and the manifest' },
    fullBuild: full ? { items: full.manifestItems, wallSeconds: full.wallSeconds, itemsPerSecond: full.itemsPerSecond } : null,
    ratios: { audioToImageTime: round(audioMs / imageMs) },
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/corpus.json.tmp', `${JSON.stringify(result, null, 2)}\n`);
  renameSync('bench/results/corpus.json.tmp', 'bench/results/corpus.json');
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
