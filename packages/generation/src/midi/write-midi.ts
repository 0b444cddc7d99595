// Song → Standard MIDI File (format 1): a conductor track (tempo, meter, key, text, markers) and one track per channel.
// Each melodic program gets its own channel while there are channels left (15, channel 10 is the drums'), more
// than one when its notes of one pitch overlap; past that, programs share channels and a program change precedes
// every note-on that needs one.
// Channel volume is written as the GM default (CC7 = 100), so a reader folds nothing into the velocities.
import { writeMidi, type MidiEvent } from 'midi-file';
import { DEFAULT_VOLUME, DRUM_CHANNEL, type Song, type SongNote } from './song.js';

const MELODIC_CHANNELS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15];

type Untimed<E> = E extends MidiEvent ? Omit<E, 'deltaTime'> : never;
interface Timed { tick: number; order: number; event: Untimed<MidiEvent> }

export function writeMidiFile(song: Song): Uint8Array {
  const conductor: Timed[] = [
    ...song.tempos.map((t): Timed => ({ tick: t.tick, order: 0, event: { type: 'setTempo', meta: true, microsecondsPerBeat: Math.round(60_000_000 / t.bpm) } })),
    ...song.meters.map((m): Timed => ({ tick: m.tick, order: 1, event: { type: 'timeSignature', meta: true, numerator: m.numerator, denominator: m.denominator, metronome: 24, thirtyseconds: 8 } })),
    ...song.keys.map((k): Timed => ({ tick: k.tick, order: 2, event: { type: 'keySignature', meta: true, key: k.sharps, scale: k.minor ? 1 : 0 } })),
    ...song.texts.map((t): Timed => ({ tick: t.tick, order: 3, event: { type: t.kind, meta: true, text: t.text } })),
  ];
  const tracks = [toTrack(conductor, song.endTick)];
  for (const [channel, notes] of notesByChannel(song.notes)) tracks.push(toTrack(channelEvents(channel, notes), song.endTick));
  return Uint8Array.from(writeMidi({ header: { format: 1, numTracks: tracks.length, ticksPerBeat: song.ppq }, tracks }));
}

/**
 * Channels for the notes. Drums go to channel 10. A melodic program's notes are split into layers so that no two
 * notes of one pitch overlap inside a layer (two tracks of one program in the source, say); every program's first
 * layer gets a channel (wrapping round past 15 programs), further layers get the channels left over, and a layer
 * that finds none joins its program's first channel.
 */
export function notesByChannel(notes: SongNote[]): Map<number, SongNote[]> {
  const out = new Map<number, SongNote[]>();
  const put = (channel: number, list: SongNote[]): void => { out.set(channel, [...(out.get(channel) ?? []), ...list]); };
  const drums = notes.filter((n) => n.drums);
  if (drums.length) put(DRUM_CHANNEL, drums);
  const byProgram = new Map<number, SongNote[]>();
  for (const n of notes) if (!n.drums) byProgram.set(n.program, [...(byProgram.get(n.program) ?? []), n]);
  const programs = [...byProgram.keys()].sort((a, b) => a - b);
  const layers = new Map(programs.map((p) => [p, overlapFreeLayers(byProgram.get(p)!)]));
  const firstChannel = new Map(programs.map((p, i) => [p, MELODIC_CHANNELS[i % MELODIC_CHANNELS.length]]));
  for (const p of programs) put(firstChannel.get(p)!, layers.get(p)![0]);
  const spare = MELODIC_CHANNELS.slice(programs.length);
  for (const p of programs) for (const layer of layers.get(p)!.slice(1)) put(spare.shift() ?? firstChannel.get(p)!, layer);
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

/** Greedy in onset order: each note joins the first layer where no note of its pitch is still sounding. */
function overlapFreeLayers(notes: SongNote[]): SongNote[][] {
  const layers: { notes: SongNote[]; endOf: Map<number, number> }[] = [];
  for (const n of [...notes].sort((a, b) => a.tick - b.tick || a.pitch - b.pitch)) {
    let layer = layers.find((l) => (l.endOf.get(n.pitch) ?? -1) <= n.tick);
    if (!layer) layers.push((layer = { notes: [], endOf: new Map() }));
    layer.notes.push(n);
    layer.endOf.set(n.pitch, n.tick + n.dur);
  }
  return layers.map((l) => l.notes);
}

/**
 * A MIDI note-off cannot say which of two sounding notes of one pitch it ends; readers close the oldest.
 * So among overlapping notes of one pitch on one channel, a note that would outlast a later one is cut
 * where that later note starts. Of two notes with one onset and pitch only the longer is kept.
 */
export function playableNotes(notes: SongNote[]): SongNote[] {
  // one note per (onset, pitch): the longest; every note at least a tick long
  const byStart = new Map<string, SongNote>();
  for (const n of notes) {
    const key = `${n.tick}:${n.pitch}`;
    const kept = byStart.get(key);
    if (!kept || n.dur > kept.dur) byStart.set(key, { ...n, dur: Math.max(1, n.dur) });
  }
  const sorted = [...byStart.values()].sort((a, b) => a.tick - b.tick || a.pitch - b.pitch);
  const sounding = new Map<number, SongNote[]>();
  for (const n of sorted) {
    const earlier = (sounding.get(n.pitch) ?? []).filter((m) => m.tick + m.dur > n.tick);
    for (const m of earlier) if (m.tick + m.dur > n.tick + n.dur) m.dur = n.tick - m.tick;
    sounding.set(n.pitch, [...earlier, n]);
  }
  return sorted;
}

function channelEvents(channel: number, notes: SongNote[]): Timed[] {
  const out: Timed[] = [{ tick: 0, order: 0, event: { type: 'controller', channel, controllerType: 7, value: DEFAULT_VOLUME } }];
  const playable = playableNotes(notes).sort((a, b) => a.tick - b.tick || a.program - b.program || a.pitch - b.pitch);
  let program = -1;
  for (const n of playable) {
    if (n.program !== program) {
      out.push({ tick: n.tick, order: 2, event: { type: 'programChange', channel, programNumber: n.program } });
      program = n.program;
    }
    const velocity = Math.max(1, Math.min(127, Math.round(n.velocity)));
    out.push({ tick: n.tick, order: 2, event: { type: 'noteOn', channel, noteNumber: n.pitch, velocity } });
    out.push({ tick: n.tick + n.dur, order: 1, event: { type: 'noteOff', channel, noteNumber: n.pitch, velocity: 0 } });
  }
  return out;
}

/** Sorted by tick, then order (offs before program changes and ons), then insertion; deltas; end of track. */
function toTrack(timed: Timed[], endTick: number): MidiEvent[] {
  const sorted = timed.map((t, i) => ({ ...t, i })).sort((a, b) => a.tick - b.tick || a.order - b.order || a.i - b.i);
  let last = 0;
  const events = sorted.map((t) => {
    const event = { ...t.event, deltaTime: t.tick - last } as MidiEvent;
    last = t.tick;
    return event;
  });
  events.push({ type: 'endOfTrack', meta: true, deltaTime: Math.max(0, endTick - last) });
  return events;
}
