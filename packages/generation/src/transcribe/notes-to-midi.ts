// Transcribed notes → a Standard MIDI File laid out on the estimated beat, so that the tokenizer's grid (12 steps
// per beat from tick 0) falls on the music: tick 0 is the first beat at or before the first note, and a note's
// tick is its distance from there in beats at the estimated (unrounded) period. The tempo written is that period
// rounded to a whole BPM, as the tokenizer's tempo tokens are.
import { writeMidiFile } from '../midi/write-midi.js';
import type { Song, SongNote } from '../midi/song.js';
import type { TranscribedNote } from './note-events.js';
import type { TempoEstimate } from './tempo.js';

/**
 * General MIDI program of the notes: 0, Acoustic Grand Piano. basic-pitch hears pitches and onsets, not timbre, so
 * no instrument is known; the piano is GM's neutral default, plays every pitch it returns (21–108, a piano's
 * range) and sustains and decays like most melodic prompts (sung, hummed, plucked). The prompt fixes the
 * continuation's instruments, and a user adds others with the instruments control.
 */
export const TRANSCRIPTION_PROGRAM = 0;
export const TRANSCRIPTION_PPQ = 480;
/** an onset up to this share of a beat before a beat still counts as on it (start at that beat, not the one before) */
const EARLY_ONSET_BEATS = 0.25;

export interface TranscriptionTimeline {
  /** the tempo written, whole BPM */
  bpm: number;
  /** seconds into the audio of tick 0 (negative when a pickup note comes before the first full beat's start) */
  startSeconds: number;
  beatSeconds: number;
}

export function transcriptionTimeline(notes: readonly TranscribedNote[], tempo: TempoEstimate): TranscriptionTimeline {
  const first = notes.length ? Math.min(...notes.map((n) => n.onsetSeconds)) : 0;
  const beats = Math.floor((first - tempo.phaseSeconds) / tempo.beatSeconds + EARLY_ONSET_BEATS);
  return { bpm: Math.round(tempo.bpm), startSeconds: tempo.phaseSeconds + beats * tempo.beatSeconds, beatSeconds: tempo.beatSeconds };
}

export function transcriptionSong(notes: readonly TranscribedNote[], timeline: TranscriptionTimeline): Song {
  const ticksPerSecond = TRANSCRIPTION_PPQ / timeline.beatSeconds;
  const songNotes = notes.map((n): SongNote => {
    const tick = Math.max(0, Math.round((n.onsetSeconds - timeline.startSeconds) * ticksPerSecond));
    const end = Math.round((n.onsetSeconds + n.durationSeconds - timeline.startSeconds) * ticksPerSecond);
    return { tick, dur: Math.max(1, end - tick), pitch: n.pitch, velocity: n.velocity, program: TRANSCRIPTION_PROGRAM, drums: false };
  });
  return {
    ppq: TRANSCRIPTION_PPQ,
    notes: songNotes,
    tempos: [{ tick: 0, bpm: timeline.bpm }],
    meters: [{ tick: 0, numerator: 4, denominator: 4 }],
    keys: [],
    texts: [],
    endTick: songNotes.reduce((end, n) => Math.max(end, n.tick + n.dur), 0),
  };
}

export function transcriptionMidi(notes: readonly TranscribedNote[], timeline: TranscriptionTimeline): Uint8Array {
  return writeMidiFile(transcriptionSong(notes, timeline));
}
