// @muse/generation — Imagic's engine. So far: the one symbolic tokenizer (MIDI ⇄ REMI-style tokens), its grammar
// for constrained sampling, and the export of a corpus's training token files.
export { readMidi, MidiReadError } from './midi/read-midi.js';
export { writeMidiFile, notesByChannel, playableNotes } from './midi/write-midi.js';
export type { Song, SongNote, TempoEvent, MeterEvent, KeyEvent, TextEvent } from './midi/song.js';
export {
  STEPS_PER_BEAT, MAX_DURATION_STEPS, METERS, MAX_BAR_STEPS, TEMPO_MIN, TEMPO_MAX, VELOCITY_BINS, DENSITY_EDGES, DRUM_KITS,
  barSteps, supportedMeter, velocityBin, binVelocity, densityBin, instrumentOf, instrumentProgram, isDrumInstrument, type Meter,
} from './tokenizer/grid.js';
export {
  VOCAB_VERSION, VOCAB_HASH, VOCAB_SIZE, TOKENS, KINDS, STYLES, MODES, KEY_NAMES, PAD, BOS, EOS, COND, LOOP, BAR,
  kindOf, valueOf, tokenId, tokenName, idOf, kindRanges, vocabularyDocument, type Kind, type Mode, type StyleName,
} from './tokenizer/vocabulary.js';
export type { Piece, PieceNote, Attributes } from './tokenizer/piece.js';
export { Grammar, GrammarError, type Phase } from './tokenizer/grammar.js';
export { songToPiece, type PieceOptions } from './tokenizer/song-to-piece.js';
export { pieceToSong, OUTPUT_PPQ } from './tokenizer/piece-to-song.js';
export { pieceTokens, attributeTokens, tokensPiece, TruncatedPrefixError } from './tokenizer/piece-tokens.js';
export { encodeMidi, decodeTokens } from './tokenizer/codec.js';
export { checkRoundTrip, type RoundTripReport } from './tokenizer/round-trip.js';
