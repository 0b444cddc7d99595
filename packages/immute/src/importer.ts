// Importer: a user's own corpus in ImMuTe layout, validated row by row.
//   CSV mode: the ImMuTe columns (at least ytid or id, caption, aspect_list) plus local image_path and
//             audio_path (relative to the CSV's folder or absolute).
//   Folder mode: same-named pairs, e.g. song.png + song.wav, with an optional song.txt caption.
// Every row that cannot be used is reported with a stable code and a reason; nothing is half-imported.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { loadImage } from '@napi-rs/canvas';
import decodeAudio from 'audio-decode';
import { ImmuteError } from './errors.js';
import { parseCsvRecords } from './metadata/csv.js';
import { parseAspectList } from './metadata/immute-metadata.js';
import { normaliseAspects } from './vocabulary.js';

export const IMPORT_LIMITS = {
  maxRows: 100_000,
  maxImageBytes: 20 * 1024 * 1024,
  maxAudioBytes: 100 * 1024 * 1024,
  maxAudioSeconds: 600,
  maxImageSide: 8192,
} as const;

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'];
export const AUDIO_EXTENSIONS = ['.wav', '.mp3', '.flac', '.ogg', '.oga', '.m4a', '.aac', '.aiff', '.opus'];

export type SkipCode =
  | 'EMPTY_CAPTION' | 'BAD_ASPECTS' | 'MISSING_FILE' | 'FILE_TOO_LARGE' | 'UNDECODABLE_IMAGE'
  | 'UNDECODABLE_AUDIO' | 'AUDIO_TOO_LONG' | 'IMAGE_TOO_LARGE' | 'DUPLICATE_ID' | 'UNPAIRED' | 'TOO_MANY_ROWS';

export interface ImportedItem {
  id: string;
  caption: string;
  aspects: string[];
  tags: string[];
  imagePath: string;
  audioPath: string;
  image: { width: number; height: number };
  audio: { sampleRate: number; channels: number; durationSeconds: number };
}

export interface SkippedRow {
  /** CSV line number (header = 1) or the pair's base name */
  row: number | string;
  code: SkipCode;
  reason: string;
}

export interface ImportReport {
  source: string;
  items: ImportedItem[];
  skipped: SkippedRow[];
}

class SkipError extends Error {
  constructor(readonly code: SkipCode, message: string) {
    super(message);
  }
}

export async function importCorpus(source: { csv: string } | { dir: string }): Promise<ImportReport> {
  return 'csv' in source ? importCsv(source.csv) : importFolder(source.dir);
}

const REQUIRED_COLUMNS = ['caption', 'image_path', 'audio_path'];

export async function importCsv(csvPath: string): Promise<ImportReport> {
  if (!existsSync(csvPath)) throw new ImmuteError('NOT_FOUND', `no CSV at ${csvPath}`);
  const { header, records } = parseCsvRecords(readFileSync(csvPath, 'utf8'));
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (!header.includes('ytid') && !header.includes('id') && !header.includes('index')) missing.push('ytid (or id)');
  if (missing.length) throw new ImmuteError('BAD_USER_INPUT', `${csvPath}: missing columns ${missing.join(', ')}`);
  const base = dirname(csvPath);
  const report: ImportReport = { source: csvPath, items: [], skipped: [] };
  const seen = new Set<string>();
  for (let i = 0; i < records.length; i++) {
    const line = i + 2;
    if (i >= IMPORT_LIMITS.maxRows) {
      report.skipped.push({ row: line, code: 'TOO_MANY_ROWS', reason: `only the first ${IMPORT_LIMITS.maxRows} rows are imported` });
      continue;
    }
    const rec = records[i];
    try {
      const id = (rec.ytid || rec.id || rec.index || '').trim();
      if (!id) throw new SkipError('EMPTY_CAPTION', 'no ytid/id');
      if (seen.has(id)) throw new SkipError('DUPLICATE_ID', `id "${id}" already imported`);
      const caption = (rec.caption ?? '').trim();
      if (!caption) throw new SkipError('EMPTY_CAPTION', 'caption is empty');
      let aspects: string[] = [];
      if (rec.aspect_list?.trim()) {
        try {
          aspects = parseAspectList(rec.aspect_list);
        } catch (err) {
          throw new SkipError('BAD_ASPECTS', (err as Error).message);
        }
      }
      const at = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
      const item = await validatePair(id, caption, aspects, at(rec.image_path.trim()), at(rec.audio_path.trim()));
      seen.add(id);
      report.items.push(item);
    } catch (err) {
      if (!(err instanceof SkipError)) throw err;
      report.skipped.push({ row: line, code: err.code, reason: err.message });
    }
  }
  return report;
}

export async function importFolder(dir: string): Promise<ImportReport> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ImmuteError('NOT_FOUND', `no folder at ${dir}`);
  const byName = new Map<string, { image?: string; audio?: string; caption?: string }>();
  for (const f of readdirSync(dir).sort()) {
    const ext = extname(f).toLowerCase();
    const name = basename(f, extname(f));
    const entry = byName.get(name) ?? {};
    if (IMAGE_EXTENSIONS.includes(ext)) entry.image = join(dir, f);
    else if (AUDIO_EXTENSIONS.includes(ext)) entry.audio = join(dir, f);
    else if (ext === '.txt') entry.caption = join(dir, f);
    else continue;
    byName.set(name, entry);
  }
  const report: ImportReport = { source: dir, items: [], skipped: [] };
  for (const [name, entry] of byName) {
    try {
      if (!entry.image || !entry.audio) throw new SkipError('UNPAIRED', `${name}: has ${entry.image ? 'an image' : 'audio'} but no ${entry.image ? 'audio' : 'image'} of the same name`);
      const caption = entry.caption ? readFileSync(entry.caption, 'utf8').trim() : name.replace(/[_-]+/g, ' ');
      report.items.push(await validatePair(name, caption, [], entry.image, entry.audio));
    } catch (err) {
      if (!(err instanceof SkipError)) throw err;
      report.skipped.push({ row: name, code: err.code, reason: err.message });
    }
  }
  return report;
}

async function validatePair(id: string, caption: string, aspects: string[], imagePath: string, audioPath: string): Promise<ImportedItem> {
  const image = await validateImage(imagePath);
  const audio = await validateAudio(audioPath);
  return { id, caption, aspects, tags: normaliseAspects(aspects).tags, imagePath, audioPath, image, audio };
}

function readLimited(path: string, max: number): Buffer {
  if (!existsSync(path) || !statSync(path).isFile()) throw new SkipError('MISSING_FILE', `${path} does not exist`);
  const size = statSync(path).size;
  if (size > max) throw new SkipError('FILE_TOO_LARGE', `${path} is ${size} bytes; the limit is ${max}`);
  return readFileSync(path);
}

async function validateImage(path: string): Promise<ImportedItem['image']> {
  const bytes = readLimited(path, IMPORT_LIMITS.maxImageBytes);
  let img: Awaited<ReturnType<typeof loadImage>>;
  try {
    img = await loadImage(bytes);
  } catch (err) {
    throw new SkipError('UNDECODABLE_IMAGE', `${path}: ${(err as Error).message}`);
  }
  if (!img.width || !img.height) throw new SkipError('UNDECODABLE_IMAGE', `${path}: no pixels`);
  if (img.width > IMPORT_LIMITS.maxImageSide || img.height > IMPORT_LIMITS.maxImageSide) {
    throw new SkipError('IMAGE_TOO_LARGE', `${path}: ${img.width}×${img.height} exceeds ${IMPORT_LIMITS.maxImageSide} px`);
  }
  return { width: img.width, height: img.height };
}

async function validateAudio(path: string): Promise<ImportedItem['audio']> {
  const bytes = readLimited(path, IMPORT_LIMITS.maxAudioBytes);
  let decoded: { channelData: Float32Array[]; sampleRate: number };
  try {
    decoded = await decodeAudio(new Uint8Array(bytes));
  } catch (err) {
    throw new SkipError('UNDECODABLE_AUDIO', `${path}: ${(err as Error).message}`);
  }
  const frames = decoded.channelData[0]?.length ?? 0;
  if (!decoded.sampleRate || frames === 0) throw new SkipError('UNDECODABLE_AUDIO', `${path}: no samples`);
  const durationSeconds = frames / decoded.sampleRate;
  if (durationSeconds > IMPORT_LIMITS.maxAudioSeconds) throw new SkipError('AUDIO_TOO_LONG', `${path}: ${durationSeconds.toFixed(1)} s exceeds ${IMPORT_LIMITS.maxAudioSeconds} s`);
  return { sampleRate: decoded.sampleRate, channels: decoded.channelData.length, durationSeconds: Math.round(durationSeconds * 1000) / 1000 };
}
