// A Standard MIDI File as the synthesiser's timed events: every track merged, ticks turned into seconds through the
// file's tempo map. Channels and programs are played as the file has them (channel 10 is the drum channel).
import type { SynthEvent } from '@muse/immute';
import { parseMidiFile } from '../midi/read-midi.js';

export interface TimedMidi {
  events: SynthEvent[];
  /** the latest end of any track, in seconds */
  endSeconds: number;
}

/** ticks → seconds under tempo changes (microseconds per quarter note, by tick) */
export function tempoMap(ppq: number, changes: readonly { tick: number; microsecondsPerBeat: number }[]): (tick: number) => number {
  const sorted = [...changes].sort((a, b) => a.tick - b.tick);
  const marks: { tick: number; seconds: number; perTick: number }[] = [{ tick: 0, seconds: 0, perTick: 0.5 / ppq }]; // MIDI default 120 BPM
  for (const c of sorted) {
    const last = marks[marks.length - 1];
    const seconds = last.seconds + (c.tick - last.tick) * last.perTick;
    const mark = { tick: c.tick, seconds, perTick: c.microsecondsPerBeat / 1e6 / ppq };
    if (c.tick === last.tick) marks[marks.length - 1] = mark;
    else marks.push(mark);
  }
  return (tick) => {
    let i = marks.length - 1;
    while (i > 0 && marks[i].tick > tick) i--;
    return marks[i].seconds + (tick - marks[i].tick) * marks[i].perTick;
  };
}

export function midiEvents(bytes: Uint8Array): TimedMidi {
  const data = parseMidiFile(bytes);
  const ppq = data.header.ticksPerBeat;
  const tempos: { tick: number; microsecondsPerBeat: number }[] = [];
  const raw: { tick: number; make: (time: number) => SynthEvent }[] = [];
  let endTick = 0;
  for (const track of data.tracks) {
    let tick = 0;
    for (const e of track) {
      tick += e.deltaTime;
      switch (e.type) {
        case 'setTempo': tempos.push({ tick, microsecondsPerBeat: e.microsecondsPerBeat }); break;
        case 'noteOn':
          raw.push({ tick, make: e.velocity === 0
            ? (time) => ({ time, kind: 'off', channel: e.channel, pitch: e.noteNumber })
            : (time) => ({ time, kind: 'on', channel: e.channel, pitch: e.noteNumber, vel: e.velocity }) });
          break;
        case 'noteOff': raw.push({ tick, make: (time) => ({ time, kind: 'off', channel: e.channel, pitch: e.noteNumber }) }); break;
        case 'programChange': raw.push({ tick, make: (time) => ({ time, kind: 'program', channel: e.channel, program: e.programNumber }) }); break;
        case 'controller': raw.push({ tick, make: (time) => ({ time, kind: 'cc', channel: e.channel, controller: e.controllerType, value: e.value }) }); break;
        case 'pitchBend': raw.push({ tick, make: (time) => ({ time, kind: 'bend', channel: e.channel, value: e.value + 8192 }) }); break;
        default: break;
      }
    }
    endTick = Math.max(endTick, tick);
  }
  const seconds = tempoMap(ppq, tempos);
  return { events: raw.map((r) => r.make(seconds(r.tick))), endSeconds: seconds(endTick) };
}
