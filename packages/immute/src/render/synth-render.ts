// Timed MIDI events → mono float samples through spessasynth_core, sample-accurate.
import { createSynth } from './soundfont.js';
import { ticksToSeconds, type Score } from '../compose/score.js';

export const SAMPLE_RATE = 16000;
const BLOCK = 128;

export type SynthEvent =
  | { time: number; kind: 'on'; channel: number; pitch: number; vel: number }
  | { time: number; kind: 'off'; channel: number; pitch: number }
  | { time: number; kind: 'cc'; channel: number; controller: number; value: number }
  | { time: number; kind: 'program'; channel: number; program: number }
  | { time: number; kind: 'bend'; channel: number; value: number };

const ORDER = { program: 0, cc: 1, bend: 2, off: 3, on: 4 } as const;

export function scoreEvents(score: Score): SynthEvent[] {
  const events: SynthEvent[] = [];
  for (const t of score.tracks) {
    events.push({ time: 0, kind: 'program', channel: t.channel, program: t.program });
    events.push({ time: 0, kind: 'cc', channel: t.channel, controller: 7, value: t.volume });
    for (const c of t.controls) events.push({ time: ticksToSeconds(c.tick, score.bpm), kind: 'cc', channel: t.channel, controller: c.controller, value: c.value });
    for (const n of t.notes) {
      events.push({ time: ticksToSeconds(n.tick, score.bpm), kind: 'on', channel: t.channel, pitch: n.pitch, vel: n.vel });
      events.push({ time: ticksToSeconds(n.tick + n.dur, score.bpm), kind: 'off', channel: t.channel, pitch: n.pitch });
    }
  }
  return events;
}

export async function renderEvents(events: SynthEvent[], seconds: number, sampleRate = SAMPLE_RATE): Promise<Float32Array> {
  const synth = await createSynth(sampleRate);
  const total = Math.round(seconds * sampleRate);
  const left = new Float32Array(total);
  const right = new Float32Array(total);
  const timed = events
    .map((e) => ({ e, at: Math.max(0, Math.round(e.time * sampleRate)) }))
    .filter((x) => x.at < total)
    .sort((a, b) => a.at - b.at || ORDER[a.e.kind] - ORDER[b.e.kind]);
  let pos = 0;
  let next = 0;
  while (pos < total) {
    while (next < timed.length && timed[next].at <= pos) {
      const e = timed[next++].e;
      if (e.kind === 'on') synth.noteOn(e.channel, e.pitch, e.vel);
      else if (e.kind === 'off') synth.noteOff(e.channel, e.pitch);
      else if (e.kind === 'cc') synth.controllerChange(e.channel, e.controller as never, e.value);
      else if (e.kind === 'program') synth.programChange(e.channel, e.program);
      else synth.pitchWheel(e.channel, e.value);
    }
    const until = next < timed.length ? Math.min(timed[next].at, total) : total;
    const n = Math.min(BLOCK, until - pos);
    synth.process(left, right, pos, n);
    pos += n;
  }
  // no destroySynthProcessor(): it would also tear down the shared, once-per-process sound bank
  const mono = new Float32Array(total);
  for (let i = 0; i < total; i++) mono[i] = (left[i] + right[i]) * 0.5;
  return mono;
}
