// The network's activations → notes, with basic-pitch's own decoder (`outputToNotesPoly`: onset peaks above a
// threshold, each held while its pitch stays active, then the "melodia" pass that adds notes the onsets missed).
// Pitch bends (its contour output) are not computed: the Imagic tokenizer has no bend token.
import { NOTE_BINS, LOWEST_MIDI_PITCH } from './basic-pitch.constants.js';
import type { NoteActivations } from './basic-pitch-model.js';
import { frameSeconds } from './network-windows.js';

export interface TranscribedNote {
  onsetSeconds: number;
  durationSeconds: number;
  /** MIDI pitch 21..108 */
  pitch: number;
  /** 1..127, from the mean activation over the note (basic-pitch's own mapping: 127 × amplitude) */
  velocity: number;
}

/**
 * The decoder's settings: basic-pitch's Python defaults (`predict`: onset 0.5, frame 0.3, minimum note 127.7 ms =
 * 11 frames; its JS default is 5 frames, which lets through the short ghost notes of a piano's attack).
 */
export const NOTE_DECODING = {
  onsetThreshold: 0.5,
  frameThreshold: 0.3,
  minNoteFrames: 11,
  inferOnsets: true,
  melodiaTrick: true,
  energyToleranceFrames: 11,
} as const;

function rowsOf(data: Float32Array, frameCount: number): number[][] {
  return Array.from({ length: frameCount }, (_, f) => Array.from(data.subarray(f * NOTE_BINS, (f + 1) * NOTE_BINS)));
}

/** Notes in onset order (then pitch). */
export async function activationsToNotes(activations: NoteActivations): Promise<TranscribedNote[]> {
  if (activations.frameCount < 2) return [];
  const { outputToNotesPoly } = await import('@spotify/basic-pitch');
  const d = NOTE_DECODING;
  // outputToNotesPoly changes its arguments in place: it gets fresh arrays.
  const events = outputToNotesPoly(
    rowsOf(activations.frames, activations.frameCount), rowsOf(activations.onsets, activations.frameCount),
    d.onsetThreshold, d.frameThreshold, d.minNoteFrames, d.inferOnsets, null, null, d.melodiaTrick, d.energyToleranceFrames,
  );
  const notes = events
    .map((e): TranscribedNote => {
      const onsetSeconds = frameSeconds(e.startFrame);
      return {
        onsetSeconds,
        durationSeconds: frameSeconds(e.startFrame + e.durationFrames) - onsetSeconds,
        pitch: e.pitchMidi,
        velocity: Math.max(1, Math.min(127, Math.round(127 * e.amplitude))),
      };
    })
    .filter((n) => n.pitch >= LOWEST_MIDI_PITCH && n.pitch < LOWEST_MIDI_PITCH + NOTE_BINS)
    .sort((a, b) => a.onsetSeconds - b.onsetSeconds || a.pitch - b.pitch);
  return joinRingingTails(notes);
}

/** a later note of a pitch starting within this of an earlier one's end can be the same sound (two frames) */
const TAIL_GAP_SECONDS = 0.025;
/** …when it is this much quieter than the earlier one: a new attack on a piano is as loud as the last or louder */
const TAIL_VELOCITY_RATIO = 0.9;

/**
 * Joins a note to the one of its pitch that ends where it starts when it is quieter: the transient of another
 * note's attack makes the network report an onset on every pitch still ringing, and basic-pitch's decoder then
 * cuts the ringing note in two there (measured on SoundFont piano: 4 of 20 notes of a 16-note melody were such
 * tails, 62–86 velocity after 89–101). Equal or louder repeats of a pitch stay separate notes.
 */
export function joinRingingTails(notes: readonly TranscribedNote[]): TranscribedNote[] {
  const out: TranscribedNote[] = [];
  const lastOfPitch = new Map<number, TranscribedNote>();
  for (const note of [...notes].sort((a, b) => a.onsetSeconds - b.onsetSeconds || a.pitch - b.pitch)) {
    const before = lastOfPitch.get(note.pitch);
    const end = before ? before.onsetSeconds + before.durationSeconds : -Infinity;
    if (before && Math.abs(note.onsetSeconds - end) <= TAIL_GAP_SECONDS && note.velocity < TAIL_VELOCITY_RATIO * before.velocity) {
      before.durationSeconds = Math.max(before.durationSeconds, note.onsetSeconds + note.durationSeconds - before.onsetSeconds);
      continue;
    }
    const copy = { ...note };
    out.push(copy);
    lastOfPitch.set(note.pitch, copy);
  }
  return out;
}
