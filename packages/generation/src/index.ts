// @muse/generation — Imagic's engine: the one symbolic tokenizer (MIDI ⇄ REMI-style tokens) and its grammar, the
// export of a corpus's training token files, the bundle loader, the grammar-constrained sampler over decoder.onnx
// with a static KV cache, and the SoundFont render of its MIDI. MusIm's engine: music → image latent diffusion over
// the bundle's autoencoder and denoiser (DDIM, DPM-Solver++ 2M, guidance, SDEdit with a guide image).
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

// Imagic: bundles, conditions, sampling
export { GenerationError, type GenerationErrorCode } from './imagic/errors.js';
export { parseImagicManifest, type ImagicManifest, type EncoderPin, type DecoderShape } from './imagic/manifest.js';
export { loadImagicBundle, readImagicManifest, resolveImagicBundleDir, DEFAULT_IMAGIC_POINTER, type ImagicBundle } from './imagic/bundle.js';
export { checkEncoderPin, pinnedEncoderDir, sha256File } from './imagic/encoder-pin.js';
export { loadPinnedEncoder, embedCondition, type ConditionInputs } from './imagic/condition.js';
export { OnnxDecoder, type Decoder, type DecoderSize, type DecoderFeeds, type DecoderOutputs, type OnnxDecoderOptions } from './imagic/decoder.js';
export { blendCondition, guideLogits, l2Normalise } from './imagic/guidance.js';
export { forcedPrefix, type MusicControls, type ForcedPrefix } from './imagic/controls.js';
export { midiPrompt, preparePrompt, promptPrefix, type MusicPrompt, type AudioTranscriber, type PreparedPrompt } from './imagic/prompt.js';
// Audio prompts: audio → MIDI with basic-pitch (ONNX in models/basic-pitch, opened on first use)
export {
  createBasicPitchTranscriber, BasicPitchTranscriber, type TranscriberOptions, type Transcription,
} from './transcribe/transcriber.js';
export { AUDIO_PROMPT_MAX_SECONDS } from './transcribe/audio-input.js';
export { sampleToken, tokenDistribution, type SamplingOptions } from './imagic/sampler.js';
export {
  generateImagic, checkSamplingSettings, LIMITS, DEFAULTS, ENGINE_MIN_SECONDS,
  type ImagicRequest, type ImagicPiece, type GenerateHooks, type GenerationProgress,
} from './imagic/generate.js';
// Rendering
export { renderMidi, RENDER_SAMPLE_RATE, type RenderOptions, type RenderedAudio } from './render/render-midi.js';
export { normaliseLoudness, gatedLoudness, LOUDNESS_TARGET_DB, PEAK_CEILING_DB, type LoudnessReport } from './render/loudness.js';
// MusIm: music → image
export { parseMusimManifest, type MusimManifest, type Prediction } from './musim/manifest.js';
export {
  loadMusimBundle, readMusimManifest, resolveMusimBundleDir, DEFAULT_MUSIM_POINTER, type MusimBundle, type MusimModels, type LoadMusimOptions,
} from './musim/bundle.js';
export { embedMusicCondition } from './musim/condition.js';
export type { LatentDenoiser, Autoencoder, LatentShape, DenoiserFeeds } from './musim/models.js';
export { OnnxDenoiser, OnnxAutoencoder, type OnnxModelOptions } from './musim/onnx-models.js';
export { NormalNoise, seededNormals } from './musim/noise.js';
export { noiseSchedule, trailingTimesteps, samplingPlan, type NoiseSchedule, type SamplingPlan } from './musim/schedule.js';
export { sampleLatent, SAMPLERS, type SamplerName, type SamplerOptions, type Predict } from './musim/samplers.js';
export {
  checkMusimRequest, MUSIM_LIMITS, MUSIM_DEFAULTS, type MusimRequest, type MusimRequestCheck, type MusimGuide, type MusimSettings,
} from './musim/request.js';
export { generateMusim, type MusimHooks, type MusimProgress, type MusimImage, type MusimImageStats } from './musim/generate.js';
