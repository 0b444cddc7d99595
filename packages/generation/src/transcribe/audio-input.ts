// An audio prompt's bytes → mono samples at basic-pitch's rate, through @muse/embeddings' decoders (the ones the
// API and MuVis use: WAV, MP3, Ogg Vorbis, Opus, FLAC, sniffed from the bytes) and its band-limited resampler.
// Every refusal is a GenerationError BAD_USER_INPUT whose message says what to change.
import { decodeMedia, EmbeddingsError, MediaLimitError, resample, type DecodedAudio } from '@muse/embeddings';
import { badInput } from '../imagic/errors.js';
import { BASIC_PITCH_SAMPLE_RATE } from './basic-pitch.constants.js';

/** Longest audio prompt by default: 30 s is ~2 s of transcription on one core, and a prompt is a few bars. */
export const AUDIO_PROMPT_MAX_SECONDS = 30;

/** RMS below this is silence: the same level the API refuses for search by audio (MUSE_SILENCE_RMS_DBFS). */
export const SILENCE_RMS_DBFS = -60;

export interface AudioPromptSamples {
  /** mono, at BASIC_PITCH_SAMPLE_RATE */
  samples: Float32Array;
  seconds: number;
  source: { format: DecodedAudio['format']; sampleRate: number; channels: number };
}

export function rmsDbfs(samples: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return samples.length === 0 ? -Infinity : 10 * Math.log10(sum / samples.length);
}

/** Decodes, refuses empty, undecodable, over-long and silent audio, and resamples to 22,050 Hz mono. */
export async function readAudioPrompt(bytes: Uint8Array, maxSeconds: number): Promise<AudioPromptSamples> {
  if (bytes.length === 0) throw badInput('the audio prompt is empty: send a WAV, MP3, FLAC or Ogg file');
  let audio: DecodedAudio;
  try {
    const decoded = await decodeMedia(bytes, { expect: 'audio', audio: { maxSeconds } });
    if (decoded.kind !== 'audio') throw new Error('decodeMedia returned an image for expect: audio');
    audio = decoded.audio;
  } catch (error) {
    if (error instanceof MediaLimitError) {
      throw badInput(`the audio prompt is ${error.limit.actual.toFixed(1)} s long; the limit is ${maxSeconds} s: trim it to a few bars`);
    }
    if (error instanceof EmbeddingsError) {
      throw badInput(`the audio prompt cannot be decoded (${error.message}): send a WAV, MP3, FLAC or Ogg file`);
    }
    throw error;
  }
  if (audio.durationSeconds > maxSeconds) {
    throw badInput(`the audio prompt is ${audio.durationSeconds.toFixed(1)} s long; the limit is ${maxSeconds} s: trim it to a few bars`);
  }
  const level = rmsDbfs(audio.samples);
  if (!(level >= SILENCE_RMS_DBFS)) {
    const shown = Number.isFinite(level) ? `${level.toFixed(0)} dBFS` : 'digital silence';
    throw badInput(`the audio prompt is silent (${shown}, below ${SILENCE_RMS_DBFS} dBFS): there are no notes to transcribe`);
  }
  return {
    samples: resample(audio.samples, audio.sampleRate, BASIC_PITCH_SAMPLE_RATE),
    seconds: audio.durationSeconds,
    source: { format: audio.format, sampleRate: audio.sampleRate, channels: audio.channels },
  };
}
