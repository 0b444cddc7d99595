import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ImmuteError } from '../errors.js';
import { parseCsvRecords } from './csv.js';

/** One MusicCaps row as ImMuTe publishes it (see data/NOTICE.md for sources and licences). */
export interface ImmuteRow {
  index: number;
  ytid: string;
  startS: number;
  endS: number;
  caption: string;
  aspects: string[];
  imageLink: string;
  audiosetLabels: string[];
  isAudiosetEval: boolean;
}

export const IMMUTE_COLUMNS = [
  'index', 'ytid', 'start_s', 'end_s', 'caption', 'aspect_list',
  'image_link', 'audioset_positive_labels', 'is_audioset_eval',
] as const;

export const IMMUTE_ROW_COUNT = 5521;
export const IMMUTE_CSV_PATH = fileURLToPath(new URL('../../data/immute.csv', import.meta.url));

export function parseAspectList(raw: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // a few MusicCaps rows use Python-style single quotes
    try {
      parsed = JSON.parse(raw.replace(/'/g, '"'));
    } catch {
      throw new ImmuteError('BAD_METADATA', `aspect_list is not a JSON array: ${raw.slice(0, 80)}`);
    }
  }
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) {
    throw new ImmuteError('BAD_METADATA', 'aspect_list must be an array of strings');
  }
  return parsed.map((a) => a.trim()).filter((a) => a.length > 0);
}

export function rowFromRecord(rec: Record<string, string>): ImmuteRow {
  const index = Number(rec.index);
  if (!Number.isInteger(index) || index < 0) throw new ImmuteError('BAD_METADATA', `bad index "${rec.index}"`);
  const ytid = (rec.ytid ?? '').trim();
  if (!ytid) throw new ImmuteError('BAD_METADATA', `row ${index}: empty ytid`);
  const caption = (rec.caption ?? '').trim();
  if (!caption) throw new ImmuteError('BAD_METADATA', `row ${index}: empty caption`);
  return {
    index,
    ytid,
    startS: Number(rec.start_s) || 0,
    endS: Number(rec.end_s) || 10,
    caption,
    aspects: parseAspectList(rec.aspect_list ?? '[]'),
    imageLink: rec.image_link ?? '',
    audiosetLabels: (rec.audioset_positive_labels ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    isAudiosetEval: /^true$/i.test(rec.is_audioset_eval ?? ''),
  };
}

let cached: ImmuteRow[] | undefined;

/** The vendored 5,521 rows, in MusicCaps order. */
export function loadImmuteRows(path: string = IMMUTE_CSV_PATH): ImmuteRow[] {
  if (path === IMMUTE_CSV_PATH && cached) return cached;
  const { header, records } = parseCsvRecords(readFileSync(path, 'utf8'));
  const missing = IMMUTE_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new ImmuteError('BAD_METADATA', `${path}: missing columns ${missing.join(', ')}`);
  const rows = records.map(rowFromRecord);
  rows.forEach((r, i) => {
    if (r.index !== i) throw new ImmuteError('BAD_METADATA', `${path}: row ${i} has index ${r.index}`);
  });
  if (path === IMMUTE_CSV_PATH) cached = rows;
  return rows;
}
