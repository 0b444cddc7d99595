// Hum views: the melody alone, sung-like (voice, ocarina or a vibrato sine with breath),
// transposed and tempo-shifted within small seeded ranges — what a person humming it would give.
import type { Rng } from '../rng.js';
import { ticksToSeconds, CLIP_SECONDS, type Note } from '../compose/score.js';
import { biquad, fade, normalise } from './dsp.js';
import { renderEvents, SAMPLE_RATE, type SynthEvent } from './synth-render.js';

export type HumTimbre = 'voice' | 'ocarina' | 'sine';
export interface HumView {
  transpose: number;
  tempo: number;
  timbre: HumTimbre;
}

export const HUM_VIEWS_PER_ITEM = 2;
const TIMBRES: HumTimbre[] = ['voice', 'ocarina', 'sine'];
const TIMBRE_PROGRAM = { voice: 53, ocarina: 79 } as const;

export function planHumViews(rng: Rng): HumView[] {
  const first = rng.int(0, 2);
  const second = (first + rng.int(1, 2)) % 3;
  return [first, second].map((t) => ({
    transpose: rng.int(-3, 3),
    tempo: Math.round(rng.range(0.9, 1.12) * 1000) / 1000,
    timbre: TIMBRES[t],
  }));
}

interface TimedNote { start: number; end: number; pitch: number; vel: number }

export function humNotes(melody: Note[], bpm: number, view: HumView): TimedNote[] {
  return melody
    .map((n) => ({
      start: ticksToSeconds(n.tick, bpm) / view.tempo,
      end: ticksToSeconds(n.tick + n.dur, bpm) / view.tempo,
      pitch: n.pitch + view.transpose,
      vel: n.vel,
    }))
    .filter((n) => n.start < CLIP_SECONDS - 0.1);
}

export async function renderHum(melody: Note[], bpm: number, view: HumView, rng: Rng): Promise<Float32Array> {
  const notes = humNotes(melody, bpm, view);
  const total = CLIP_SECONDS * SAMPLE_RATE;
  let x: Float32Array;
  if (view.timbre === 'sine') x = sineVoice(notes, total);
  else {
    const events: SynthEvent[] = [
      { time: 0, kind: 'program', channel: 0, program: TIMBRE_PROGRAM[view.timbre] },
      { time: 0, kind: 'cc', channel: 0, controller: 7, value: 120 },
      { time: 0, kind: 'cc', channel: 0, controller: 1, value: 64 },
    ];
    for (const n of notes) {
      events.push({ time: n.start, kind: 'on', channel: 0, pitch: n.pitch, vel: Math.min(127, n.vel + 10) });
      events.push({ time: n.end, kind: 'off', channel: 0, pitch: n.pitch });
    }
    x = await renderEvents(events, CLIP_SECONDS);
  }
  normalise(x, 0.8);
  addBreath(x, notes, rng);
  fade(x, SAMPLE_RATE, 0.005, 0.1);
  return x;
}

/** a sine with a slight second harmonic, 5.5 Hz vibrato of ±20 cents and soft attack/release */
function sineVoice(notes: TimedNote[], total: number): Float32Array {
  const x = new Float32Array(total);
  for (const n of notes) {
    const s0 = Math.round(n.start * SAMPLE_RATE);
    const s1 = Math.min(total, Math.round(n.end * SAMPLE_RATE) + Math.round(0.06 * SAMPLE_RATE));
    const f = 440 * Math.pow(2, (n.pitch - 69) / 12);
    const amp = 0.3 + 0.5 * (n.vel / 127);
    let phase = 0;
    const len = s1 - s0;
    for (let i = 0; i < len; i++) {
      const t = i / SAMPLE_RATE;
      const vib = Math.pow(2, (0.2 * Math.sin(2 * Math.PI * 5.5 * t) * Math.min(1, t / 0.25)) / 12);
      phase += (2 * Math.PI * f * vib) / SAMPLE_RATE;
      const env = Math.min(1, t / 0.03) * Math.min(1, (len - i) / (0.06 * SAMPLE_RATE));
      x[s0 + i] += amp * env * (Math.sin(phase) + 0.12 * Math.sin(2 * phase));
    }
  }
  return x;
}

/** breath: band-passed noise following the notes, well below the tone */
function addBreath(x: Float32Array, notes: TimedNote[], rng: Rng): void {
  const breath = new Float32Array(x.length);
  for (const n of notes) {
    const s0 = Math.round(n.start * SAMPLE_RATE);
    const s1 = Math.min(x.length, Math.round(n.end * SAMPLE_RATE));
    for (let i = s0; i < s1; i++) breath[i] = (rng.next() * 2 - 1) * Math.exp(-(i - s0) / (0.08 * SAMPLE_RATE)) + (rng.next() * 2 - 1) * 0.25;
  }
  biquad(breath, SAMPLE_RATE, 'bandpass', 2200, 0.8);
  for (let i = 0; i < x.length; i++) x[i] += breath[i] * 0.04;
}
