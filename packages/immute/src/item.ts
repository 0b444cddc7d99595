// One corpus item: row → plans → score → files, and its manifest entry.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { createRng, itemSeed, splitOf, type Split } from './rng.js';
import type { ImmuteRow } from './metadata/immute-metadata.js';
import { normaliseAspects } from './vocabulary.js';
import { planMusic, type MusicPlan } from './plan/music-plan.js';
import { planVisual, IMAGE_SIZE, type VisualPlan } from './plan/visual-plan.js';
import { composeScore, melodyNotes } from './compose/composer.js';
import { writeMidiFile } from './compose/midi-file.js';
import { CLIP_SECONDS, type Score } from './compose/score.js';
import { renderEvents, scoreEvents, SAMPLE_RATE } from './render/synth-render.js';
import { applyRecording } from './render/recording.js';
import { encodeWav } from './render/wav.js';
import { planHumViews, renderHum, type HumView } from './render/hum.js';
import { paintImage } from './paint/painter.js';
import { itemFiles, writeFileAtomic } from './builder/files.js';

export interface Snippet { start: number; end: number }
export interface Crop { x: number; y: number; w: number; h: number }

export interface ItemPlan {
  row: ImmuteRow;
  seed: number;
  split: Split;
  tags: string[];
  unknownAspects: string[];
  music: MusicPlan;
  score: Score;
  visual: VisualPlan;
  hums: HumView[];
  snippets: Snippet[];
  crops: Crop[];
}

export const SNIPPETS_PER_ITEM = 3;
export const CROPS_PER_ITEM = 3;

export function planItem(row: ImmuteRow, seed = itemSeed(row.index, row.ytid)): ItemPlan {
  const { tags, unknown } = normaliseAspects(row.aspects);
  const music = planMusic(tags, seed);
  const score = composeScore(music, seed);
  const visual = planVisual(music, melodyNotes(score), tags, seed);
  const views = createRng(seed).fork('views');
  const hums = planHumViews(views.fork('hum'));
  const snippets = Array.from({ length: SNIPPETS_PER_ITEM }, () => {
    const len = views.range(3, 5);
    const start = Math.round(views.range(0, CLIP_SECONDS - len) * 100) / 100;
    return { start, end: Math.round((start + len) * 100) / 100 };
  });
  const crops = Array.from({ length: CROPS_PER_ITEM }, () => {
    const w = views.int(128, 224);
    return { x: views.int(0, IMAGE_SIZE - w), y: views.int(0, IMAGE_SIZE - w), w, h: w };
  });
  return { row, seed, split: splitOf(row.ytid), tags, unknownAspects: unknown, music, score, visual, hums, snippets, crops };
}

/** Renders every missing file of the item; files already present are complete and kept. */
export async function renderItem(plan: ItemPlan, outDir: string): Promise<{ audioMs: number; imageMs: number }> {
  const files = itemFiles(plan.row.index);
  const at = (p: string): string => join(outDir, p);
  let audioMs = 0;
  let imageMs = 0;
  const t0 = performance.now();
  if (!existsSync(at(files.midi))) writeFileAtomic(at(files.midi), writeMidiFile(plan.score));
  if (!existsSync(at(files.audio))) {
    const x = await renderEvents(scoreEvents(plan.score), CLIP_SECONDS);
    applyRecording(x, SAMPLE_RATE, plan.music.recording, plan.music.loudness, createRng(plan.seed).fork('recording'));
    writeFileAtomic(at(files.audio), encodeWav(x, SAMPLE_RATE));
  }
  const melody = melodyNotes(plan.score);
  for (let k = 0; k < plan.hums.length; k++) {
    if (existsSync(at(files.hum[k]))) continue;
    const x = await renderHum(melody, plan.score.bpm, plan.hums[k], createRng(plan.seed).fork(`hum-${k}`));
    writeFileAtomic(at(files.hum[k]), encodeWav(x, SAMPLE_RATE));
  }
  audioMs = performance.now() - t0;
  const t1 = performance.now();
  if (!existsSync(at(files.image))) writeFileAtomic(at(files.image), paintImage(plan.visual, plan.seed));
  imageMs = performance.now() - t1;
  return { audioMs, imageMs };
}

export interface ManifestEntry {
  index: number;
  ytid: string;
  caption: string;
  aspects: string[];
  tags: string[];
  unknownAspects: string[];
  split: Split;
  seed: number;
  music: Omit<MusicPlan, 'rules'> & { rules: Record<string, string>; melody: { pitches: number[]; noteCount: number } };
  visual: VisualPlan;
  files: { audio: string; midi: string; image: string; hum: string[] };
  views: { snippets: Snippet[]; crops: Crop[]; hums: (HumView & { file: string })[] };
}

export function manifestEntry(plan: ItemPlan): ManifestEntry {
  const files = itemFiles(plan.row.index);
  const melody = melodyNotes(plan.score);
  return {
    index: plan.row.index, ytid: plan.row.ytid, caption: plan.row.caption, aspects: plan.row.aspects,
    tags: plan.tags, unknownAspects: plan.unknownAspects, split: plan.split, seed: plan.seed,
    music: { ...plan.music, melody: { pitches: [...new Set(melody.map((n) => n.pitch))].sort((a, b) => a - b), noteCount: melody.length } },
    visual: plan.visual,
    files,
    views: { snippets: plan.snippets, crops: plan.crops, hums: plan.hums.map((h, k) => ({ ...h, file: files.hum[k] })) },
  };
}
