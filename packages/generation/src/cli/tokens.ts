// npm run tokens -- --corpus DIR --out DIR [--limit N]
// Exports a built corpus's training token files (tokens.jsonl, vocab.json, stats.json) and prints the stats.
import { resolve } from 'node:path';
import { exportCorpusTokens } from '../export/export-tokens.js';

const USAGE = 'usage: npm run tokens -- --corpus DIR --out DIR [--limit N]';

function parseFlags(args: string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const [name, inline] = arg.slice(2).split('=', 2);
    if (!['corpus', 'out', 'limit'].includes(name)) throw new UsageError(`unknown option --${name}`);
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    flags[name] = value;
  }
  return flags;
}

class UsageError extends Error {}

function progress(done: number, total: number): void {
  const step = Math.max(1, Math.floor(total / 20));
  if (done % step === 0 || done === total) process.stderr.write(`tokens ${done}/${total} (${((100 * done) / total).toFixed(0)}%)\n`);
}

function main(): void {
  const flags = parseFlags(process.argv.slice(2));
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
