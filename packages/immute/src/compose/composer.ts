// Music plan → a 10-second multi-track score: progression, melody, bass, chords, pad, drums and fills.
import { createRng, type Rng } from '../rng.js';
import type { MusicPlan, PartPlan } from '../plan/music-plan.js';
import { GM_DRUM, GROOVES, HAND_PERCUSSION, type Groove } from './drum-patterns.js';
import { barTicks, CLIP_SECONDS, PPQ, secondsToTicks, type Note, type Score, type Track } from './score.js';
import { chordIntervals, parseProgression, SCALES, type Chord } from './theory.js';

const ROLE_CHANNEL = { melody: 0, chords: 1, bass: 2, pad: 3, drums: 9 } as const;
const ROLE_VOLUME = { melody: 112, chords: 78, bass: 100, pad: 64, drums: 96 } as const;

export function composeScore(plan: MusicPlan, seed: number): Score {
  const rng = createRng(seed).fork('compose');
  const bar = barTicks(plan.meter);
  const endTick = secondsToTicks(CLIP_SECONDS, plan.bpm);
  const bars = Math.ceil(endTick / bar);
  const progression = parseProgression(plan.progression);
  const chordAt = (barIndex: number): Chord => progression[barIndex % progression.length];
  const tracks: Track[] = [];

  for (const part of plan.parts) {
    const notes = composePart(part, plan, bars, bar, chordAt, rng.fork(part.role));
    const controls = part.voiceLike || part.family === 'strings' || part.family === 'woodwind'
      ? [{ tick: 0, controller: 1, value: part.voiceLike ? 40 : 24 }]
      : [];
    tracks.push({
      name: `${part.role}: ${part.instrument}`, role: part.role, channel: ROLE_CHANNEL[part.role],
      program: part.program, volume: ROLE_VOLUME[part.role], notes: finalise(notes, plan, endTick, rng.fork(`h-${part.role}`)), controls,
    });
  }
  if (plan.drums) {
    const notes = composeDrums(plan, bars, bar, rng.fork('drums'));
    tracks.push({ name: `drums: ${plan.drums.kit} kit`, role: 'drums', channel: 9, program: plan.drums.kitProgram, volume: ROLE_VOLUME.drums, notes: finalise(notes, plan, endTick, rng.fork('h-drums')), controls: [] });
  }
  return { bpm: plan.bpm, meter: plan.meter, tonic: plan.tonic, mode: plan.mode, tracks };
}

function composePart(part: PartPlan, plan: MusicPlan, bars: number, bar: number, chordAt: (b: number) => Chord, rng: Rng): Note[] {
  switch (part.role) {
    case 'melody': return composeMelody(plan, bars, bar, chordAt, rng, part.voiceLike);
    case 'bass': return composeBass(plan, bars, bar, chordAt, rng);
    case 'pad': return composePad(plan, bars, bar, chordAt);
    case 'chords': return composeChords(plan, bars, bar, chordAt, rng);
    default: return [];
  }
}

/** Melody: two-bar phrases (a, a', b, a'') built from scale steps, chord tones on strong beats. */
function composeMelody(plan: MusicPlan, bars: number, bar: number, chordAt: (b: number) => Chord, rng: Rng, legato: boolean): Note[] {
  const scale = SCALES[plan.scale];
  const step = plan.density > 0.62 && plan.bpm < 132 ? PPQ / 4 : PPQ / 2;
  const stepsPerBar = bar / step;
  const beatSteps = PPQ / step;
  const pOnset = 0.25 + 0.6 * plan.density;
  const pool = scalePitches(plan.tonic, scale, plan.register - 9, plan.register + 9);
  const phrases: Note[][] = [];
  const makePhrase = (startBar: number): Note[] => {
    const notes: Note[] = [];
    let current = nearest(pool, plan.register + rng.int(-3, 3));
    for (let s = 0; s < 2 * stepsPerBar; s++) {
      const inBar = s % stepsPerBar;
      const strength = inBar === 0 ? 1 : inBar % beatSteps === 0 ? 0.8 : inBar % (beatSteps / 2 || 1) === 0 ? 0.5 : 0.3;
      const isLast = s === 2 * stepsPerBar - 1;
      if (s !== 0 && (isLast || !rng.chance(pOnset * (0.5 + strength)))) continue;
      const chord = chordAt(startBar + Math.floor(s / stepsPerBar));
      if (strength >= 0.8) {
        const tones = chordIntervals(chord.quality).map((i) => (plan.tonic + chord.root + i) % 12);
        const candidates = pool.filter((p) => tones.includes(p % 12) && Math.abs(p - current) <= 7);
        current = candidates.length ? rng.pick(candidates) : nearest(pool, current);
      } else {
        const idx = pool.indexOf(nearest(pool, current));
        const move = rng.pick([-2, -1, -1, 1, 1, 2, 0]);
        current = pool[Math.max(0, Math.min(pool.length - 1, idx + move))];
      }
      notes.push({ tick: s * step, dur: step, pitch: current, vel: plan.velocity + (strength >= 0.8 ? 8 : 0) });
    }
    // each note lasts until the next (legato for voices), the last rings to the phrase end
    for (let i = 0; i < notes.length; i++) {
      const next = i + 1 < notes.length ? notes[i + 1].tick : 2 * bar;
      notes[i].dur = Math.max(step, Math.round((next - notes[i].tick) * (legato ? 0.98 : 0.85)));
      if (!legato) notes[i].dur = Math.min(notes[i].dur, 2 * PPQ);
    }
    return notes;
  };
  const a = makePhrase(0);
  const b = makePhrase(2);
  for (let p = 0; p * 2 < bars; p++) {
    const base = p % 4 === 2 ? b : a;
    const phrase = base.map((n) => ({ ...n }));
    if (p % 2 === 1 && phrase.length > 1) {
      // the answering phrase resolves: its last note moves to the tonic
      const last = phrase[phrase.length - 1];
      last.pitch = nearest(pool.filter((x) => x % 12 === plan.tonic % 12), last.pitch);
    }
    phrases.push(phrase.map((n) => ({ ...n, tick: n.tick + p * 2 * bar })));
  }
  return phrases.flat();
}

function composeBass(plan: MusicPlan, bars: number, bar: number, chordAt: (b: number) => Chord, rng: Rng): Note[] {
  const notes: Note[] = [];
  const beats = bar / PPQ;
  const vel = Math.min(127, plan.velocity + 5);
  for (let b = 0; b < bars; b++) {
    const chord = chordAt(b);
    const next = chordAt(b + 1);
    const root = bassPitch(plan.tonic + chord.root);
    const fifth = root + 7 > 55 ? root - 5 : root + 7;
    const t0 = b * bar;
    const add = (beat: number, dur: number, pitch: number, v = vel): void => { notes.push({ tick: t0 + Math.round(beat * PPQ), dur: Math.round(dur * PPQ), pitch, vel: v }); };
    switch (plan.bassPattern) {
      case 'root8': for (let i = 0; i < beats * 2; i++) add(i / 2, 0.45, root, i % 2 ? vel - 10 : vel); break;
      case 'root-fifth': for (let i = 0; i < beats; i++) add(i, 0.9, i % 2 ? fifth : root); break;
      case 'walking': {
        const target = bassPitch(plan.tonic + next.root);
        const third = root + chordIntervals(chord.quality)[1];
        const line = [root, third, root + 7, target + (target > root ? -1 : 1)];
        for (let i = 0; i < beats; i++) add(i, 0.9, line[i % 4], vel - (i % 2) * 8);
        break;
      }
      case 'offbeat': for (let i = 0; i < beats; i++) add(i + 0.5, 0.4, root); break;
      case 'sustain': add(0, beats * 0.98, root); break;
      case 'syncopated': {
        const hits = [0, 0.75, 1.5, 2.5, 3.25].filter((h) => h < beats);
        hits.forEach((h, i) => add(h, 0.4, i === 2 ? root + 12 : i === 3 ? fifth : root));
        break;
      }
      case 'sub808': add(0, 1.4, root); if (beats >= 3) add(2.5, 1.2, rng.chance(0.5) ? root : fifth); break;
      case 'reggae': add(0.5, 0.4, root); add(1, 0.9, root); if (beats >= 4) { add(2.5, 0.4, fifth); add(3, 0.9, root + 12 > 55 ? root : root + 12); } break;
      case 'waltz': add(0, 0.95, root); break;
    }
  }
  return notes;
}

function composeChords(plan: MusicPlan, bars: number, bar: number, chordAt: (b: number) => Chord, rng: Rng): Note[] {
  const notes: Note[] = [];
  const beats = bar / PPQ;
  const vel = Math.max(30, plan.velocity - 14);
  const comp = Array.from({ length: 4 }, () => [0, 1.5, 2.5, 3.5].filter(() => rng.chance(0.55)));
  for (let b = 0; b < bars; b++) {
    const voicing = voice(plan.tonic, chordAt(b), 54, 70);
    const t0 = b * bar;
    const hit = (beat: number, dur: number, v = vel, pitches = voicing, strum = 0): void => {
      pitches.forEach((p, i) => notes.push({ tick: t0 + Math.round(beat * PPQ) + i * strum, dur: Math.round(dur * PPQ), pitch: p, vel: v }));
    };
    switch (plan.chordPattern) {
      case 'block': hit(0, beats / 2 - 0.05); if (beats >= 4) hit(2, 1.9, vel - 8); break;
      case 'stabs': for (let i = 0; i < beats; i++) hit(i, 0.55, i === 0 ? vel + 6 : vel - 6); break;
      case 'arpeggio': {
        const up = [...voicing, voicing[0] + 12];
        for (let i = 0; i < beats * 2; i++) notes.push({ tick: t0 + i * (PPQ / 2), dur: PPQ, pitch: up[i % up.length], vel: vel - (i % 2) * 6 });
        break;
      }
      case 'strum': {
        const pattern = beats === 3 ? [0, 1, 1.5, 2, 2.5] : [0, 1, 1.5, 2.5, 3, 3.5];
        pattern.forEach((h, i) => hit(h, 0.45, i === 0 ? vel + 6 : vel - 6, voicing, 14));
        break;
      }
      case 'skank': for (let i = 0; i < beats; i++) hit(i + 0.5, 0.2, vel); break;
      case 'comp': for (const h of comp[b % 4].filter((x) => x < beats)) hit(h, 0.4, vel); if (comp[b % 4].length === 0) hit(0, 1.5); break;
      case 'sustain': hit(0, beats * 0.98, vel - 6); break;
      case 'funk16': for (const h of [0, 0.75, 1.5, 2.25, 2.75, 3.5].filter((x) => x < beats)) hit(h, 0.18, vel); break;
    }
  }
  return notes;
}

function composePad(plan: MusicPlan, bars: number, bar: number, chordAt: (b: number) => Chord): Note[] {
  const notes: Note[] = [];
  for (let b = 0; b < bars; b++) {
    for (const p of voice(plan.tonic, chordAt(b), 60, 76)) notes.push({ tick: b * bar, dur: bar - 10, pitch: p, vel: Math.max(28, plan.velocity - 22) });
  }
  return notes;
}

function composeDrums(plan: MusicPlan, bars: number, bar: number, rng: Rng): Note[] {
  const drums = plan.drums!;
  const notes: Note[] = [];
  const groove = GROOVES[drums.pattern];
  const layers: Groove[] = [groove];
  if (drums.handPercussion && drums.pattern !== 'world') layers.push({ steps: 16, stepsPerBeat: 4, lanes: HAND_PERCUSSION });
  const fillBar = bars >= 5 ? 3 : bars - 2;
  for (let b = 0; b < bars; b++) {
    const t0 = b * bar;
    const isFill = drums.fills && b === fillBar;
    for (const layer of layers) {
      const stepTicks = PPQ / layer.stepsPerBeat;
      const steps = Math.round(bar / stepTicks);
      for (const [lane, pattern] of Object.entries(layer.lanes) as [keyof typeof GM_DRUM, string][]) {
        for (let s = 0; s < steps; s++) {
          if (isFill && s >= steps - 4) continue;
          const c = pattern[s % pattern.length];
          if (c === '.') continue;
          const v = c === 'X' ? plan.velocity + 18 : c === 'o' ? plan.velocity - 35 : plan.velocity;
          notes.push({ tick: t0 + s * stepTicks, dur: stepTicks, pitch: GM_DRUM[lane], vel: v });
        }
      }
    }
    if (isFill) {
      const toms = [GM_DRUM.hiTom, GM_DRUM.hiMidTom, GM_DRUM.midTom, GM_DRUM.lowTom, GM_DRUM.floorTom];
      const start = bar - PPQ;
      for (let i = 0; i < 4; i++) notes.push({ tick: t0 + start + (i * PPQ) / 4, dur: PPQ / 4, pitch: toms[Math.min(toms.length - 1, i + rng.int(0, 1))], vel: plan.velocity + 10 });
    }
    if (b === 0 || (drums.fills && b === fillBar + 1)) notes.push({ tick: t0, dur: PPQ, pitch: GM_DRUM.crash, vel: plan.velocity + 10 });
  }
  return notes;
}

/** swing, humanising, clamping to the clip and to MIDI ranges */
function finalise(notes: Note[], plan: MusicPlan, endTick: number, rng: Rng): Note[] {
  const jitter = PPQ / 64;
  return notes
    .map((n) => {
      let tick = n.tick;
      const inBeat = tick % PPQ;
      if (plan.swing > 0 && inBeat === PPQ / 2) tick += Math.round((plan.swing * PPQ) / 6);
      tick = Math.max(0, tick + Math.round(rng.range(-jitter, jitter)));
      return {
        tick,
        dur: Math.max(24, Math.min(n.dur, endTick - tick)),
        pitch: Math.max(0, Math.min(127, n.pitch)),
        vel: Math.max(1, Math.min(127, Math.round(n.vel + rng.range(-6, 6)))),
      };
    })
    .filter((n) => n.tick < endTick)
    .sort((a, b) => a.tick - b.tick || a.pitch - b.pitch);
}

function scalePitches(tonic: number, scale: readonly number[], lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let p = lo; p <= hi; p++) if (scale.includes((((p - tonic) % 12) + 12) % 12)) out.push(p);
  return out;
}

function nearest(pool: number[], target: number): number {
  return pool.reduce((best, p) => (Math.abs(p - target) < Math.abs(best - target) ? p : best), pool[0]);
}

function bassPitch(pc: number): number {
  const p = 36 + (((pc % 12) + 12) % 12);
  return p > 45 ? p - 12 : p;
}

function voice(tonic: number, chord: Chord, lo: number, hi: number): number[] {
  return chordIntervals(chord.quality)
    .map((i) => {
      let p = lo + ((((tonic + chord.root + i - lo) % 12) + 12) % 12);
      if (p >= hi) p -= 12;
      return p;
    })
    .sort((a, b) => a - b);
}

/** the melody track's notes, for the hum view and the picture */
export function melodyNotes(score: Score): Note[] {
  return score.tracks.find((t) => t.role === 'melody')?.notes ?? [];
}
