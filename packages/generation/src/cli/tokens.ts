// npm run tokens -- --corpus DIR --out DIR [--limit N]
// Exports a built corpus's training token files (tokens.jsonl, vocab.json, stats.json) and prints the stats.
import { resolve } from 'node:path';
import { exportCorpusTokens } from '../export/export-tokens.js';
import { parseFlags, UsageError } from './flags.js';

const USAGE = 'usage: npm run tokens -- --corpus DIR --out DIR [--limit N]';

function progress(done: number, total: number): void {
  const step = Math.max(1, Math.floor(total / 20));
  if (done % step === 0 || done === total) process.stderr.write(`tokens ${done}/${total} (${((100 * done) / total).toFixed(0)}%)\n`);
}

function main(): void {
  const flags = parseFlags(process.argv.slice(2), ['corpus', 'out', 'limit']);
  if (!flags.corpus || !flags.out) throw new UsageError('--corpus and --out are required');
  const limit = flags.limit === undefined ? undefined : Number(flags.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError(`--limit must be a positive integer, got "${flags.limit}"`);
  const report = exportCorpusTokens({ corpusDir: resolve(flags.corpus), outDir: resolve(flags.out), limit, onProgress: progress });
  const { lengthHistogram, ...summary } = report;
  console.log(JSON.stringify({ ...summary, lengthHistogram: lengthHistogram.map((b) => `<${b.below}: ${b.items}`).join(', ') }, null, 2));
  if (report.failed.length || report.roundTrip.itemsWithProblems) {
    console.error(`${report.failed.length} items failed, ${report.roundTrip.itemsWithProblems} did not round-trip within the grid (see stats.json)`);
    process.exitCode = 1;
  }
}

try {
  main();
} catch (err) {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(err instanceof Error ? `error: ${err.message}` : err);
    process.exitCode = 1;
  }
}
