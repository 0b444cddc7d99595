// The import report's one writer (`npm run corpus -- import --report FILE`) and its one reader
// (`npm run ingest -- --import FILE`).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { writeFileAtomic } from './builder/files.js';
import { ImmuteError } from './errors.js';
import type { ImportedItem, ImportReport } from './importer.js';

/** Written whole (temp + rename), pretty-printed. The importer's paths are absolute as given. */
export function writeImportReport(path: string, report: ImportReport): void {
  writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
}

/**
 * A report as `writeImportReport` wrote it, checked field by field: NOT_FOUND when there is no
 * file, BAD_METADATA naming the first bad field otherwise. Relative media paths are taken
 * relative to the report's folder.
 */
export function readImportReport(path: string): ImportReport {
  if (!existsSync(path)) throw new ImmuteError('NOT_FOUND', `no import report at ${path} (write one with npm run corpus -- import ... --report ${path})`);
  const bad = (what: string) => new ImmuteError('BAD_METADATA', `${path} is not an import report: ${what}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw bad(`not JSON (${(err as Error).message})`);
  }
  const report = parsed as Partial<ImportReport> | null;
  if (typeof report !== 'object' || report === null || Array.isArray(report)) throw bad('not a JSON object');
  if (typeof report.source !== 'string') throw bad('"source" is not a string');
  if (!Array.isArray(report.items)) throw bad('"items" is not an array');
  if (!Array.isArray(report.skipped)) throw bad('"skipped" is not an array');
  const base = dirname(resolve(path));
  const seen = new Set<string>();
  const items = report.items.map((raw: unknown, i): ImportedItem => {
    const item = raw as Partial<ImportedItem> | null;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw bad(`items[${i}] is not an object`);
    for (const name of ['id', 'imagePath', 'audioPath'] as const) {
      if (typeof item[name] !== 'string' || item[name] === '') throw bad(`items[${i}].${name} is ${shown(item[name])}, not a non-empty string`);
    }
    // a folder pair's caption file may be empty
    if (typeof item.caption !== 'string') throw bad(`items[${i}].caption is ${shown(item.caption)}, not a string`);
    for (const name of ['aspects', 'tags'] as const) {
      const value = item[name];
      if (!Array.isArray(value) || !value.every((t) => typeof t === 'string')) throw bad(`items[${i}].${name} is ${shown(value)}, not an array of strings`);
    }
    if (seen.has(item.id!)) throw bad(`items[${i}].id "${item.id}" appears twice`);
    seen.add(item.id!);
    return { ...(item as ImportedItem), imagePath: resolve(base, item.imagePath!), audioPath: resolve(base, item.audioPath!) };
  });
  return { source: report.source, items, skipped: report.skipped };
}

function shown(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value).slice(0, 40);
}
