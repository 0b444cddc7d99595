// Music plan + the composed melody → a visual plan. The picture carries the item's own musical facts:
//   key → hue (Scriabin), mode → light/dark ground, mood valence → warm/cool second colour,
//   arousal → saturation and contrast, tempo → count and spacing of a repeated row, meter → its grouping,
//   melody register → the row's height, melody notes → a contour (time → x, pitch → y),
//   timbre family → motif shapes, drums → beat stripes, recording character → texture.
import { createRng } from '../rng.js';
import { SCRIABIN_HUE } from '../compose/theory.js';
import { ticksToSeconds, CLIP_SECONDS, type Note } from '../compose/score.js';
import type { Family } from './instruments.js';
import type { MusicPlan } from './music-plan.js';
import type { Style } from './styles.js';

export type Composition = 'grid' | 'diagonal' | 'radial' | 'flow' | 'scatter' | 'horizon' | 'blocks' | 'waves';
export type Texture = 'smooth' | 'grain' | 'halftone' | 'scanlines' | 'paper';
export type SettingMotif = 'crowd' | 'arch' | 'leaves' | 'beams' | 'bubble';

export interface VisualPlan {
  palette: string[];
  keyHue: number;
  moodHue: number;
  temperature: 'warm' | 'cool';
  lightness: number;
  saturation: number;
  contrast: number;
  composition: Composition;
  texture: Texture;
  textureAmount: number;
  rhythm: { count: number; group: number; y: number; size: number; shape: Family };
  stripes: number;
  contour: { x: number; y: number; r: number }[];
  motifs: Family[];
  settings: SettingMotif[];
  sparkles: number;
  bassBand: number;
}

const COMPOSITION: Record<Style, Composition> = {
  electronic: 'grid', 'hip-hop': 'blocks', funk: 'blocks', 'r-and-b': 'waves', rock: 'diagonal', metal: 'diagonal',
  pop: 'waves', ballad: 'waves', lullaby: 'radial', ambient: 'radial', devotional: 'radial', classical: 'flow',
  cinematic: 'flow', jazz: 'scatter', blues: 'scatter', folk: 'horizon', world: 'horizon', latin: 'horizon',
  reggae: 'waves', march: 'grid', waltz: 'flow',
};

export const IMAGE_SIZE = 256;

export function planVisual(music: MusicPlan, melody: Note[], tags: readonly string[], seed: number): VisualPlan {
  const rng = createRng(seed).fork('visual');
  const keyHue = SCRIABIN_HUE[music.tonic];
  const temperature = music.valence >= 0 ? 'warm' : 'cool';
  const moodHue = temperature === 'warm' ? 18 + 30 * (1 - music.valence) : 200 + 40 * Math.min(1, -music.valence);
  const lightness = music.mode === 'major' ? 0.7 : 0.2;
  const saturation = 0.3 + 0.6 * music.arousal;
  const contrast = 0.4 + 0.6 * music.arousal;
  const onGround = music.mode === 'major' ? 0.32 : 0.72;
  const palette = [
    hsl(keyHue, saturation, lightness),
    hsl(moodHue, saturation * 0.85, lightness * 0.8 + 0.05),
    hsl(keyHue, Math.min(1, saturation + 0.25), onGround),
    hsl(moodHue, Math.min(1, saturation + 0.2), onGround),
    hsl((keyHue + 180) % 360, 0.75, music.mode === 'major' ? 0.45 : 0.65),
    music.mode === 'major' ? '#1b1b24' : '#f4f1ea',
  ];

  const melodyPart = music.parts.find((p) => p.role === 'melody');
  const registerY = 1 - (music.register - 50) / 38; // MIDI 50..88 → bottom..top
  const count = Math.round(music.bpm / 10);
  const rec = music.recording;
  const texture: Texture = rec.lowQuality || rec.noisy ? 'grain' : rec.mono ? 'halftone' : music.style === 'electronic' ? 'scanlines' : ['folk', 'classical', 'world'].includes(music.style) ? 'paper' : 'smooth';
  const textureAmount = texture === 'grain' ? (rec.noisy ? 0.12 : 0.08) : 0.08;
  const settings: SettingMotif[] = [];
  if (tags.includes('live')) settings.push('crowd');
  if (tags.includes('church') || music.style === 'devotional') settings.push('arch');
  if (tags.includes('nature')) settings.push('leaves');
  if (tags.includes('club')) settings.push('beams');
  if (tags.includes('speech')) settings.push('bubble');
  const lo = 44, hi = 92;
  const contour = melody.map((n) => ({
    x: round1(8 + (240 * ticksToSeconds(n.tick, music.bpm)) / CLIP_SECONDS),
    y: round1(12 + 232 * (1 - (Math.max(lo, Math.min(hi, n.pitch)) - lo) / (hi - lo))),
    r: round1(1.5 + 4 * (n.vel / 127) * (music.density + 0.4)),
  }));
  return {
    palette, keyHue, moodHue: Math.round(moodHue), temperature, lightness, saturation: round2(saturation), contrast: round2(contrast),
    composition: COMPOSITION[music.style], texture, textureAmount,
    rhythm: { count, group: music.meter[0], y: round2(Math.max(0.12, Math.min(0.88, registerY))), size: round1(18 + 22 * music.density), shape: melodyPart?.family ?? 'keys' },
    stripes: music.drums ? Math.round(music.bpm / 15) : 0,
    contour,
    motifs: [...new Set(music.parts.filter((p) => p.role !== 'melody').map((p) => p.family))].slice(0, 3),
    settings,
    sparkles: Math.round(6 + 40 * music.density * (0.5 + rng.next() * 0.5)),
    bassBand: music.parts.some((p) => p.role === 'bass') ? round2(0.08 + 0.1 * (music.velocity / 127)) : 0,
  };
}

export function hsl(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): string => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(255 * c).toString(16).padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

function round1(x: number): number { return Math.round(x * 10) / 10; }
function round2(x: number): number { return Math.round(x * 100) / 100; }
