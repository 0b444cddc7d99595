// `npm run realset -- build --out DIR`: fetch the games' packages, read their mapping files,
// write each distinct picture and track once, then manifest.jsonl, build-report.json and README.md.
// Resumable: every media file is written to a temporary name and renamed, and existing files are
// kept; manifest.jsonl is written only when every requested pair is complete, removed otherwise.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { selectGames, splitOf } from './games/index.js';
import {
  audioFile, formatManifest, groupPairs, imageFile, MANIFEST_FILE, REPORT_FILE, seedOf,
  type GroupedPair, type RealsetEntry,
} from './manifest.js';
import { clipTrack, isTrackerModule, openmptVersion, renderTracker, type ClipInfo } from './media/audio.js';
import { renderImage } from './media/image.js';
import { fetchPackage, type FetchedPackage } from './debian.js';
import { gameSummaries, renderReadme } from './readme.js';
import type { GameSource, Licence } from './types.js';

export interface BuildOptions {
  out: string;
  games?: string[];
  /** At most this many pairs per game (quick local runs). */
  limit?: number;
  log?: (line: string) => void;
}

export interface BuildFailure {
  game: string;
  what: string;
  reason: string;
}

export interface BuildResult {
  complete: boolean;
  entries: RealsetEntry[];
  failed: BuildFailure[];
}

function writeAtomic(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

async function ensureImage(out: string, root: string, game: string, pair: GroupedPair): Promise<string> {
  const rel = imageFile(game, pair);
  if (!existsSync(join(out, rel))) writeAtomic(join(out, rel), await renderImage(root, pair.image));
  return rel;
}

async function ensureClip(out: string, root: string, game: string, track: string, tracker: () => string): Promise<{ rel: string; info: ClipInfo }> {
  const rel = audioFile(game, track);
  const sidecar = join(out, rel.replace(/\.wav$/, '.json'));
  if (existsSync(join(out, rel)) && existsSync(sidecar)) {
    return { rel, info: JSON.parse(readFileSync(sidecar, 'utf8')) as ClipInfo };
  }
  let source = join(root, track);
  let renderedWith = 'audio-decode';
  if (isTrackerModule(track)) {
    const rendered = join(out, 'cache', 'render', rel);
    renderTracker(source, rendered);
    source = rendered;
    renderedWith = `${tracker()} (48 kHz stereo), then audio-decode`;
  }
  const clip = await clipTrack(source, renderedWith);
  writeAtomic(join(out, rel), clip.wav);
  writeAtomic(sidecar, JSON.stringify(clip.info));
  return { rel, info: clip.info };
}

/** A composed picture's licence: its files' licences, each named once. */
function pictureLicence(game: GameSource, root: string, files: string[]): Licence {
  const all = files.map((f) => game.licence(root, f));
  const names = [...new Set(all.map((l) => l.name))];
  const from = [...new Set(all.map((l) => l.from))];
  return { name: names.join(' AND '), from: from.join(' | ') };
}

async function buildGame(game: GameSource, out: string, root: string, packages: FetchedPackage[], limit: number | undefined,
  tracker: () => string, log: (line: string) => void, failed: BuildFailure[]): Promise<Omit<RealsetEntry, 'index'>[]> {
  const all = groupPairs(game.collect(root));
  const pairs = limit === undefined ? all : all.slice(0, limit);
  log(`${game.id}: ${pairs.length} pairs${limit !== undefined ? ` (of ${all.length})` : ''}`);
  const split = splitOf(game.id);
  const entries: Omit<RealsetEntry, 'index'>[] = [];
  const clips = new Map<string, { rel: string; info: ClipInfo } | null>();
  for (const [n, pair] of pairs.entries()) {
    log(`${game.id}: pair ${n + 1}/${pairs.length} ${pair.units[0]}`);
    let image: string;
    try {
      image = await ensureImage(out, root, game.id, pair);
    } catch (err) {
      failed.push({ game: game.id, what: `image ${pair.imageKey}`, reason: (err as Error).message });
      continue;
    }
    if (!clips.has(pair.music)) {
      try {
        clips.set(pair.music, await ensureClip(out, root, game.id, pair.music, tracker));
      } catch (err) {
        clips.set(pair.music, null);
        failed.push({ game: game.id, what: `track ${pair.music}`, reason: (err as Error).message });
      }
    }
    const clip = clips.get(pair.music);
    if (!clip) continue;
    const id = `realset:${game.id}:${pair.imageKey}|${pair.music.split('/').at(-1)}`;
    entries.push({
      ytid: id, caption: `${game.title}, ${game.unitKind} ${pair.units.join(', ')}`, aspects: [], tags: [],
      split, seed: seedOf(id), music: {}, visual: {},
      files: { audio: clip.rel, image, hum: [] }, views: { snippets: [], crops: [] },
      game: game.id, unit: { kind: game.unitKind, names: pair.units },
      licence: {
        image: pictureLicence(game, root, pair.image.files),
        music: game.licence(root, pair.music),
        mapping: game.licence(root, pair.mappings[0]),
      },
      source: { packages: packages.map((p) => ({ name: p.name, version: p.version })), image: pair.image.files, music: pair.music, mapping: pair.mappings },
      clip: clip.info,
    });
  }
  return entries;
}

export async function buildRealset(options: BuildOptions): Promise<BuildResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[realset] ${line}\n`));
  const out = options.out;
  const cache = join(out, 'cache');
  const root = join(cache, 'x');
  const games = selectGames(options.games);
  const failed: BuildFailure[] = [];
  const entries: Omit<RealsetEntry, 'index'>[] = [];
  let trackerVersion: string | undefined;
  const tracker = () => (trackerVersion ??= openmptVersion());
  rmSync(join(out, MANIFEST_FILE), { force: true });
  const fetched: Record<string, FetchedPackage[]> = {};
  for (const game of games) {
    try {
      fetched[game.id] = game.packages.map((p) => fetchPackage(cache, p, log));
      entries.push(...await buildGame(game, out, root, fetched[game.id], options.limit, tracker, log, failed));
    } catch (err) {
      failed.push({ game: game.id, what: 'game', reason: (err as Error).message });
    }
  }
  const indexed: RealsetEntry[] = entries.map((e, index) => ({ index, ...e }));
  const complete = failed.length === 0 && indexed.length > 0;
  const summaries = gameSummaries(games, indexed, fetched);
  writeAtomic(join(out, REPORT_FILE), JSON.stringify({
    complete, pairs: indexed.length, games: summaries, failed,
    options: { games: options.games ?? null, limit: options.limit ?? null },
  }, null, 2));
  writeAtomic(join(out, 'README.md'), renderReadme(summaries, { limit: options.limit }));
  if (complete) writeAtomic(join(out, MANIFEST_FILE), formatManifest(indexed));
  log(complete ? `done: ${indexed.length} pairs in ${join(out, MANIFEST_FILE)}` : `incomplete: ${failed.length} failure(s); rerun to resume`);
  return { complete, entries: indexed, failed };
}
