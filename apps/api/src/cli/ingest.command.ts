import 'reflect-metadata';
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join, basename } from 'node:path';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../logger.js';
import { openCore, type Core } from '../core.js';
import { parseArgs } from './args.util.js';
import { ProgressBar } from './progress-bar.js';
import type { IngestOptions } from '../services/ingest.service.js';
import { errorCodeOf } from '../errors/error-code.util.js';
import { PayloadTooLargeException } from '../errors/app.exception.js';
import { readCorpusManifest, readImportReport } from '@muse/immute';

const USAGE = 'usage: npm run ingest -- --corpus DIR | --dir FOLDER | --import REPORT.json  [--library NAME] [--limit N] [--concurrency N]';
/** Files in flight at once with a job queue (each waits for a worker); without one, files are embedded here one at a time. */
const QUEUED_CONCURRENCY = 4;
const MEDIA_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.wav', '.mp3', '.ogg', '.oga', '.opus', '.flac']);

interface WorkItem {
  path: string;
  options: IngestOptions;
}

export async function runIngestCommand(argv: string[]): Promise<number> {
  const { options } = parseArgs(argv);
  const modes = (['corpus', 'dir', 'import'] as const).filter((mode) => typeof options.get(mode) === 'string');
  if (modes.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const [mode] = modes;
  const source = String(options.get(mode));
  const limit = options.has('limit') ? Number(options.get('limit')) : Infinity;
  if (!(limit > 0)) {
    process.stderr.write(`--limit must be a positive number\n${USAGE}\n`);
    return 2;
  }
  const concurrency = options.has('concurrency') ? Number(options.get('concurrency')) : undefined;
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64)) {
    process.stderr.write(`--concurrency must be an integer from 1 to 64\n${USAGE}\n`);
    return 2;
  }
  // with a job queue on a shared database, the workers (`npm run worker`) embed the files and this
  // process only hands them over; on PGlite no other process can open the database, so it runs them
  const shared = Boolean(process.env.REDIS_URL && process.env.DATABASE_URL);
  const config = loadConfig(shared ? { ...process.env, MUSE_RUN_JOBS: 'false' } : process.env);
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  let work: WorkItem[];
  try {
    work = mode === 'corpus' ? corpusWork(source, limit) : mode === 'import' ? importWork(source, limit) : await folderWork(source, limit);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  let core: Core;
  try {
    core = await openCore(config, logger);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  const counts = { created: 0, existing: 0, failed: 0 };
  try {
    const libraryName = options.get('library');
    let libraryId: string | undefined;
    if (typeof libraryName === 'string') {
      const libs = await core.services.libraries.list();
      libraryId = (libs.find((l) => l.name === libraryName) ?? (await core.services.libraries.create(libraryName))).id;
    }
    const uploads = core.services.uploads;
    const bar = new ProgressBar(work.length, uploads.queued ? 'ingest (workers)' : 'ingest');
    const one = async (item: WorkItem) => {
      try {
        const { size } = await stat(item.path);
        if (size > config.limits.maxUploadBytes) {
          throw new PayloadTooLargeException(`the file is ${size} bytes; the limit is ${config.limits.maxUploadBytes} (MUSE_MAX_UPLOAD_BYTES)`);
        }
        const bytes = await readFile(item.path);
        const result = await uploads.upload(bytes, { ...item.options, libraryId });
        counts[result.created ? 'created' : 'existing']++;
      } catch (err) {
        counts.failed++;
        const code = errorCodeOf(err) ?? 'ERROR';
        process.stderr.write(`\n${code} ${item.path}: ${(err as Error).message}\n`);
      }
      bar.tick();
    };
    let next = 0;
    const lanes = Math.min(work.length, uploads.queued ? (concurrency ?? QUEUED_CONCURRENCY) : 1);
    await Promise.all(Array.from({ length: lanes }, async () => {
      while (next < work.length) await one(work[next++]);
    }));
    bar.finish();
  } finally {
    await core.close();
  }
  const stats = `${counts.created} new, ${counts.existing} already present, ${counts.failed} failed`;
  process.stderr.write(`ingested ${work.length} files: ${stats}\n`);
  return counts.failed && counts.failed === work.length ? 1 : 0;
}

/** The image and the music of one pair, each titled after the pair; both carry its pair key. */
function pairWork(name: string, image: string | undefined, audio: string | undefined, options: IngestOptions): WorkItem[] {
  const work: WorkItem[] = [];
  if (image) work.push({ path: image, options: { ...options, title: `${name} (image)` } });
  if (audio) work.push({ path: audio, options: { ...options, title: `${name} (music)` } });
  return work;
}

function corpusWork(dir: string, limit: number): WorkItem[] {
  return readCorpusManifest(dir).slice(0, limit).flatMap((item) =>
    pairWork(`ImMuTe #${item.index}`, item.files.image && join(dir, item.files.image), item.files.audio && join(dir, item.files.audio), {
      source: 'CORPUS',
      caption: item.caption ?? null,
      tags: item.tags ?? [],
      tagOrigin: 'CORPUS',
      pairKey: `immute:${item.index}`,
      corpusIndex: item.index,
      corpusSplit: item.split ?? null,
    }));
}

/**
 * The accepted pairs of an import report (`npm run corpus -- import --report FILE`). They are
 * the user's own material, not ImMuTe items: source UPLOAD (no corpus index or split), and
 * their tags, normalised from the user's own aspect list, are USER tags.
 */
function importWork(reportPath: string, limit: number): WorkItem[] {
  return readImportReport(reportPath).items.slice(0, limit).flatMap((item) =>
    pairWork(item.id, item.imagePath, item.audioPath, {
      source: 'UPLOAD',
      caption: item.caption || null,
      tags: item.tags,
      tagOrigin: 'USER',
      pairKey: `import:${item.id}`,
      corpusIndex: null,
      corpusSplit: null,
    }));
}

async function folderWork(dir: string, limit: number): Promise<WorkItem[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && MEDIA_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => join(e.parentPath, e.name))
    .sort()
    .slice(0, limit)
    .map((path) => ({
      path,
      options: { source: 'UPLOAD' as const, title: basename(path, extname(path)), caption: null, tags: [], pairKey: null, corpusIndex: null, corpusSplit: null },
    }));
}
