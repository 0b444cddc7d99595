// The one reader of a built corpus's manifest.jsonl (written by builder/build.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImmuteError } from './errors.js';
import type { ManifestEntry } from './item.js';

export const MANIFEST_FILE = 'manifest.jsonl';

/** The items of a finished corpus, in index order. Paths in `files` are relative to `corpusDir`. */
export function readCorpusManifest(corpusDir: string): ManifestEntry[] {
  const path = join(corpusDir, MANIFEST_FILE);
  if (!existsSync(path)) {
    throw new ImmuteError('NOT_FOUND', `no finished corpus at ${corpusDir}: ${MANIFEST_FILE} is missing (build one with npm run corpus -- build --out ${corpusDir})`);
  }
  const entries: ManifestEntry[] = [];
  readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      throw new ImmuteError('BAD_METADATA', `${path}:${i + 1} is not JSON`);
    }
    const e = entry as Partial<ManifestEntry> | null;
    if (typeof e?.index !== 'number' || typeof e.files !== 'object' || e.files === null) {
      throw new ImmuteError('BAD_METADATA', `${path}:${i + 1} is not a corpus item (needs index and files)`);
    }
    entries.push(e as ManifestEntry);
  });
  return entries;
}
