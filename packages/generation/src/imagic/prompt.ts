// Music prompts: a MIDI file read with the tokenizer, whose bars are prefilled after the attribute prefix and
// continued. Audio prompts come through a transcriber (audio → MIDI; src/transcribe's createBasicPitchTranscriber,
// @spotify/basic-pitch) that the caller passes; without one they are refused with a clear error.
import { MidiReadError, readMidi } from '../midi/read-midi.js';
import { attributeTokens, pieceTokens } from '../tokenizer/piece-tokens.js';
import type { Attributes } from '../tokenizer/piece.js';
import { songToPiece } from '../tokenizer/song-to-piece.js';
import { EOS, LOOP, tokenId } from '../tokenizer/vocabulary.js';
import { checkedInstruments, forcedPrefix, instrumentNumber, type ForcedPrefix, type MusicControls } from './controls.js';
import { badInput } from './errors.js';

export type MusicPrompt = { kind: 'midi'; bytes: Uint8Array } | { kind: 'audio'; bytes: Uint8Array };

/** Audio file bytes → MIDI file bytes: the seam for transcribing audio prompts. */
export type AudioTranscriber = (audio: Uint8Array) => Promise<Uint8Array>;

export interface PreparedPrompt {
  /** what the tokenizer reads from the prompt (tempo, key, mode, meter, style, instruments, density) */
  attributes: Attributes;
  /** its bars as tokens: Bar … (no prefix, no LOOP/EOS) */
  body: number[];
  bars: number;
}

export function midiPrompt(bytes: Uint8Array): PreparedPrompt {
  let piece;
  try {
    piece = songToPiece(readMidi(bytes));
  } catch (error) {
    if (error instanceof MidiReadError) throw badInput(`the MIDI prompt cannot be read: ${error.message}`);
    throw error;
  }
  if (piece.notes.length === 0) throw badInput('the MIDI prompt has no notes to continue');
  const tokens = pieceTokens(piece);
  let end = tokens.length - 1; // EOS
  if (tokens[end - 1] === LOOP) end--;
  if (tokens[tokens.length - 1] !== EOS) throw new Error('pieceTokens must end with EOS');
  return { attributes: piece.attributes, body: tokens.slice(attributeTokens(piece.attributes).length, end), bars: piece.bars.length };
}

export async function preparePrompt(prompt: MusicPrompt, options: { transcribe?: AudioTranscriber } = {}): Promise<PreparedPrompt> {
  if (prompt.kind === 'midi') return midiPrompt(prompt.bytes);
  if (!options.transcribe) throw badInput('audio prompts need a transcriber and none was given (createBasicPitchTranscriber transcribes with basic-pitch): pass a MIDI prompt');
  return midiPrompt(await options.transcribe(prompt.bytes));
}

/**
 * The prefix of a continuation. The prompt fixes the tempo, the meter and its instruments (a control may add
 * instruments, and may repeat the prompt's tempo or meter but not change them: the prompt's notes are laid out in
 * them). Key, mode, style and density are the prompt's unless a control sets them; an unknown style is left to the
 * model.
 */
export function promptPrefix(prompt: PreparedPrompt, controls: MusicControls = {}): ForcedPrefix {
  const a = prompt.attributes;
  const meter = `${a.meter[0]}/${a.meter[1]}`;
  if (controls.tempo !== undefined && controls.tempo !== a.bpm) throw badInput(`the MIDI prompt starts at ${a.bpm} BPM: leave the tempo unset or set it to ${a.bpm}`);
  if (controls.meter !== undefined && forcedPrefix({ meter: controls.meter }).meter !== forcedPrefix({ meter }).meter) {
    throw badInput(`the MIDI prompt starts in ${meter}: leave the meter unset or set it to ${meter}`);
  }
  const fromPrompt = forcedPrefix({
    tempo: a.bpm, meter, key: a.tonic, mode: a.mode, density: a.density, style: a.style === 'unknown' ? undefined : a.style,
  });
  const own = forcedPrefix({ key: controls.key, mode: controls.mode, style: controls.style, density: controls.density });
  const instruments = checkedInstruments([...a.instruments, ...(controls.instruments ?? []).map(instrumentNumber)]);
  return { ...fromPrompt, ...own, instruments: instruments.map((i) => tokenId('instrument', i)) };
}
