// Standard MIDI File (format 0/1/2) → Song. Tracks are merged in time (ties keep track then file order),
// programs and volumes are tracked per channel, note-offs close the oldest open note of their pitch (FIFO).
import { parseMidi, type MidiData, type MidiEvent } from 'midi-file';
import { DEFAULT_BPM, DEFAULT_VOLUME, DRUM_CHANNEL, type Song, type SongNote } from './song.js';

export class MidiReadError extends Error {}

interface Timed { tick: number; track: number; event: MidiEvent }
interface OpenNote { tick: number; velocity: number; program: number }

/** The file's events, parsed; MidiReadError when it is not a Standard MIDI File with ticks per quarter note. */
export function parseMidiFile(bytes: Uint8Array): MidiData & { header: { ticksPerBeat: number } } {
  let data: MidiData;
  try {
    data = parseMidi(bytes);
  } catch (err) {
    throw new MidiReadError(`not a Standard MIDI File: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!data.header.ticksPerBeat) throw new MidiReadError('SMPTE time division is not supported: the file needs ticks per quarter note');
  return data as MidiData & { header: { ticksPerBeat: number } };
}

export function readMidi(bytes: Uint8Array): Song {
  const data = parseMidiFile(bytes);
  const ppq = data.header.ticksPerBeat;

  const timed: Timed[] = [];
  let endTick = 0;
  data.tracks.forEach((events, track) => {
    let tick = 0;
    for (const event of events) {
      tick += event.deltaTime;
      timed.push({ tick, track, event });
    }
    endTick = Math.max(endTick, tick);
  });
  // sort is stable: equal ticks keep (track, file) order
  timed.sort((a, b) => a.tick - b.tick || a.track - b.track);

  const song: Song = { ppq, notes: [], tempos: [], meters: [], keys: [], texts: [], endTick };
  const program = new Array<number>(16).fill(0);
  const volume = new Array<number>(16).fill(DEFAULT_VOLUME);
  const expression = new Array<number>(16).fill(127);
  const open = new Map<number, OpenNote[]>();
  const close = (channel: number, pitch: number, tick: number): void => {
    const queue = open.get(channel * 128 + pitch);
    const note = queue?.shift();
    if (!note) return;
    song.notes.push(noteFrom(note, tick, pitch, channel));
  };

  for (const { tick, event: e } of timed) {
    switch (e.type) {
      case 'noteOn': {
        if (e.velocity === 0) { close(e.channel, e.noteNumber, tick); break; }
        const gain = (volume[e.channel] / DEFAULT_VOLUME) * (expression[e.channel] / 127);
        const velocity = Math.max(1, Math.min(127, Math.round(e.velocity * gain)));
        const key = e.channel * 128 + e.noteNumber;
        if (!open.has(key)) open.set(key, []);
        open.get(key)!.push({ tick, velocity, program: program[e.channel] });
        break;
      }
      case 'noteOff': close(e.channel, e.noteNumber, tick); break;
      case 'programChange': program[e.channel] = e.programNumber; break;
      case 'controller':
        if (e.controllerType === 7) volume[e.channel] = e.value;
        else if (e.controllerType === 11) expression[e.channel] = e.value;
        break;
      case 'setTempo': song.tempos.push({ tick, bpm: 60_000_000 / e.microsecondsPerBeat }); break;
      case 'timeSignature': song.meters.push({ tick, numerator: e.numerator, denominator: e.denominator }); break;
      case 'keySignature': song.keys.push({ tick, sharps: e.key, minor: e.scale === 1 }); break;
      case 'text': case 'marker': song.texts.push({ tick, kind: e.type, text: e.text }); break;
      default: break;
    }
  }
  for (const [key, queue] of open) {
    for (const note of queue) song.notes.push(noteFrom(note, endTick, key % 128, Math.floor(key / 128)));
  }
  song.notes.sort((a, b) => a.tick - b.tick || a.pitch - b.pitch);
  if (song.tempos.length === 0 || song.tempos[0].tick > 0) song.tempos.unshift({ tick: 0, bpm: DEFAULT_BPM });
  return song;
}

function noteFrom(note: OpenNote, endTick: number, pitch: number, channel: number): SongNote {
  return { tick: note.tick, dur: endTick - note.tick, pitch, velocity: note.velocity, program: note.program, drums: channel === DRUM_CHANNEL };
}
