// The tokenizer's two directions over Standard MIDI File bytes.
import { readMidi } from '../midi/read-midi.js';
import { writeMidiFile } from '../midi/write-midi.js';
import { pieceTokens, tokensPiece } from './piece-tokens.js';
import { pieceToSong } from './piece-to-song.js';
import { songToPiece, type PieceOptions } from './song-to-piece.js';

/** MIDI file → token ids (BOS … EOS). */
export function encodeMidi(bytes: Uint8Array, options: PieceOptions = {}): number[] {
  return pieceTokens(songToPiece(readMidi(bytes), options));
}

/** token ids (a legal sequence, possibly cut short) → MIDI file. Throws GrammarError on an illegal token. */
export function decodeTokens(ids: readonly number[]): Uint8Array {
  return writeMidiFile(pieceToSong(tokensPiece(ids)));
}
