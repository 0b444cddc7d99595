// Songs for tests: small hand-written MIDI content and a comparable view of its notes.
import type { Song, SongNote } from '../midi/song.js';

/** A song at 480 ppq, 120 BPM, 4/4, no key, from notes given in quarter notes. */
export function songOf(notes: (Partial<SongNote> & { beat: number; beats: number; pitch: number })[], extra: Partial<Song> = {}): Song {
  const ppq = extra.ppq ?? 480;
  const list = notes.map(({ beat, beats, ...n }) => ({ velocity: 80, program: 0, drums: false, ...n, tick: Math.round(beat * ppq), dur: Math.round(beats * ppq) }));
  return {
    ppq,
    notes: list,
    tempos: [{ tick: 0, bpm: 120 }],
    meters: [{ tick: 0, numerator: 4, denominator: 4 }],
    keys: [],
    texts: [],
    endTick: list.reduce((m, n) => Math.max(m, n.tick + n.dur), 0),
    ...extra,
  };
}

/** notes as comparable strings, sorted */
export function noteKeys(song: Song): string[] {
  return song.notes.map((n) => `${n.tick}/${n.dur} p${n.pitch} prog${n.program}${n.drums ? 'd' : ''} v${n.velocity}`).sort();
}
