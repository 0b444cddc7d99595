// npm run corpus -- build --out DIR [--limit N] [--from N] [--workers N]
//                  contact-sheet --corpus DIR --out FILE.png [--count 48]
//                  import --csv FILE | --dir FOLDER [--report FILE]
import { resolve } from 'node:path';
import { buildCorpus } from './builder/build.js';
import { describeIncompleteBuild } from './builder/failures.js';
import { ImmuteError } from './errors.js';

const USAGE = `usage:
  npm run corpus -- build [--out DIR] [--limit N] [--from N] [--workers N]
  npm run corpus -- contact-sheet --corpus DIR --out FILE.png [--count 48]
  npm run corpus -- import (--csv FILE | --dir FOLDER) [--report FILE]`;

function parseFlags(args: string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) throw new ImmuteError('BAD_USER_INPUT', `unexpected argument "${a}"\n${USAGE}`);
    const [k, inline] = a.slice(2).split('=', 2);
    const v = inline ?? args[++i];
    if (v === undefined) throw new ImmuteError('BAD_USER_INPUT', `--${k} needs a value`);
    flags[k] = v;
  }
  return flags;
}

function intFlag(flags: Record<string, string>, name: string): number | undefined {
  if (flags[name] === undefined) return undefined;
  const n = Number(flags[name]);
  if (!Number.isInteger(n)) throw new ImmuteError('BAD_USER_INPUT', `--${name} must be an integer, got "${flags[name]}"`);
  return n;
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const flags = parseFlags(rest);
  if (command === 'build') {
    const outDir = resolve(flags.out ?? `${process.env.DATA_DIR ?? 'data'}/corpus`);
    const report = await buildCorpus({ outDir, limit: intFlag(flags, 'limit'), from: intFlag(flags, 'from'), workers: intFlag(flags, 'workers') });
    const { unknownAspects, failed, ...summary } = report;
    console.log(JSON.stringify({ ...summary, failed: failed.length, unknownAspects: { total: unknownAspects.total, distinct: unknownAspects.distinct, top: unknownAspects.top.slice(0, 10) } }, null, 2));
    if (!report.complete) {
      console.error(describeIncompleteBuild(report));
      process.exitCode = 1;
    }
  } else if (command === 'contact-sheet') {
    const { writeContactSheet } = await import('./contact-sheet.js');
    if (!flags.corpus || !flags.out) throw new ImmuteError('BAD_USER_INPUT', USAGE);
    const n = await writeContactSheet(resolve(flags.corpus), resolve(flags.out), intFlag(flags, 'count') ?? 48);
    console.log(`contact sheet of ${n} images → ${flags.out}`);
  } else if (command === 'import') {
    const { importCorpus } = await import('./importer.js');
    const report = await importCorpus(flags.csv ? { csv: resolve(flags.csv) } : flags.dir ? { dir: resolve(flags.dir) } : (() => { throw new ImmuteError('BAD_USER_INPUT', USAGE); })());
    if (flags.report) {
      const { writeImportReport } = await import('./import-report.js');
      writeImportReport(resolve(flags.report), report);
    }
    console.log(JSON.stringify({ accepted: report.items.length, skipped: report.skipped }, null, 2));
  } else {
    console.error(USAGE);
    process.exitCode = 2;
  }
}

main().catch((err: unknown) => {
  if (err instanceof ImmuteError) {
    console.error(`error [${err.code}]: ${err.message}`);
    process.exitCode = 2;
  } else {
    console.error(err);
    process.exitCode = 1;
  }
});
