// A contact sheet of corpus images with their captions, for the README: 8 columns, one item per style first.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas, loadImage, type SKRSContext2D } from '@napi-rs/canvas';
import { readCorpusManifest } from './corpus-manifest.js';
import type { ManifestEntry } from './item.js';
import { writeFileAtomic } from './builder/files.js';

type Entry = ManifestEntry;

const COLS = 8;
const THUMB = 180;
const PAD = 10;
const TEXT_H = 78;

export async function writeContactSheet(corpusDir: string, outPath: string, count = 48): Promise<number> {
  const entries = readCorpusManifest(corpusDir);
  const chosen = pickVaried(entries, count);
  const rows = Math.ceil(chosen.length / COLS);
  const W = COLS * (THUMB + PAD) + PAD;
  const H = rows * (THUMB + TEXT_H + PAD) + PAD;
  const canvas = createCanvas(W, H);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#f6f4ef';
  ctx.fillRect(0, 0, W, H);
  for (let i = 0; i < chosen.length; i++) {
    const e = chosen[i];
    const x = PAD + (i % COLS) * (THUMB + PAD);
    const y = PAD + Math.floor(i / COLS) * (THUMB + TEXT_H + PAD);
    const img = await loadImage(readFileSync(join(corpusDir, e.files.image)));
    ctx.drawImage(img, x, y, THUMB, THUMB);
    ctx.fillStyle = '#222';
    ctx.font = 'bold 9px "DejaVu Sans", sans-serif';
    ctx.fillText(`#${e.index} ${e.music.style} · ${e.music.key} ${e.music.mode} · ${e.music.bpm} bpm`, x, y + THUMB + 12);
    ctx.font = '9px "DejaVu Sans", sans-serif';
    ctx.fillStyle = '#444';
    wrap(ctx, e.caption, THUMB).slice(0, 5).forEach((line, k) => ctx.fillText(line, x, y + THUMB + 25 + k * 11));
  }
  writeFileAtomic(outPath, await canvas.encode('png'));
  return chosen.length;
}

/** round-robin over styles so the sheet shows the range of the corpus */
function pickVaried(entries: Entry[], count: number): Entry[] {
  const byStyle = new Map<string, Entry[]>();
  for (const e of entries) byStyle.set(e.music.style, [...(byStyle.get(e.music.style) ?? []), e]);
  const out: Entry[] = [];
  for (let round = 0; out.length < count && round < entries.length; round++) {
    let added = false;
    for (const list of byStyle.values()) {
      if (round < list.length && out.length < count) { out.push(list[round]); added = true; }
    }
    if (!added) break;
  }
  return out.sort((a, b) => a.index - b.index);
}

function wrap(ctx: SKRSContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (ctx.measureText(next).width > width && line) { lines.push(line); line = word; }
    else line = next;
  }
  if (line) lines.push(line);
  if (lines.length > 5) lines[4] = `${lines[4].replace(/\s+\S*$/, '')} …`;
  return lines;
}
