import decodeAudioBytes from 'audio-decode';
import { InvalidMediaError, MediaLimitError, UnsupportedMediaError } from '../errors.js';
import { walkMpegFrames } from '../formats/mpeg-frames.js';
import { walkOggPages } from '../formats/ogg-pages.js';
import { sniffMedia, type MediaFormat, type SniffedMedia } from '../formats/sniff.js';
import { isPlainPcm, readWavInfo, readWavPcmMono } from './wav.js';

export interface AudioLimits {
  /** Longest accepted clip, in seconds. */
  maxSeconds: number;
}

export const DEFAULT_AUDIO_LIMITS: AudioLimits = { maxSeconds: 600 };

export interface DecodedAudio {
  format: MediaFormat;
  /** Mono: the average of all channels. */
  samples: Float32Array;
  sampleRate: number;
  channels: number;
  durationSeconds: number;
}

// audio-decode's names for the codecs we accept.
const DECODER_NAME: Partial<Record<MediaFormat, 'wav' | 'mp3' | 'oga' | 'opus' | 'flac'>> = {
  wav: 'wav',
  mp3: 'mp3',
  vorbis: 'oga',
  opus: 'opus',
  flac: 'flac',
};

const FEED_CHUNK_BYTES = 64 * 1024;
const OPUS_RATE = 48000;

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

interface HeaderFacts {
  /** Duration the container declares, when it declares one. */
  declaredSeconds?: number;
  /** Samples per channel the container declares (exact formats only), to detect truncation. */
  declaredFrames?: number;
}

/** STREAMINFO (always the first metadata block) declares the rate and the total sample count. */
function flacFacts(bytes: Uint8Array): HeaderFacts {
  // Usually 0; after an ID3v2 tag when a tagger put one in front.
  let start = 0;
  while (start + 4 <= bytes.length && ascii(bytes, start, 4) !== 'fLaC') start++;
  const at = (i: number) => bytes[start + i];
  if (start + 26 > bytes.length) throw new InvalidMediaError('Truncated FLAC: STREAMINFO is cut off');
  const sampleRate = (at(18) << 12) | (at(19) << 4) | (at(20) >> 4);
  const totalFrames = (at(21) & 0x0f) * 2 ** 32 + ((at(22) << 24) >>> 0) + (at(23) << 16) + (at(24) << 8) + at(25);
  if (sampleRate === 0) throw new InvalidMediaError('Malformed FLAC: sample rate 0');
  // 0 total samples means "unknown" in FLAC.
  return totalFrames > 0 ? { declaredSeconds: totalFrames / sampleRate, declaredFrames: totalFrames } : {};
}

/** Every Ogg page must be whole and pass its CRC; the last granule position is the stream length
 * in samples (48 kHz for Opus). */
function oggFacts(bytes: Uint8Array, format: 'vorbis' | 'opus'): HeaderFacts {
  const dataStart = 27 + (bytes[26] ?? 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let rate: number;
  let preSkip = 0;
  if (format === 'vorbis') {
    if (dataStart + 16 > bytes.length) throw new InvalidMediaError('Truncated Ogg Vorbis: identification header is cut off');
    rate = view.getUint32(dataStart + 12, true);
  } else {
    if (dataStart + 12 > bytes.length) throw new InvalidMediaError('Truncated Opus: OpusHead is cut off');
    rate = OPUS_RATE;
    preSkip = view.getUint16(dataStart + 10, true);
  }
  if (rate === 0) throw new InvalidMediaError('Malformed Ogg: sample rate 0');
  const walk = walkOggPages(bytes);
  const problem = walk.problem;
  if (problem?.kind === 'truncated') throw new InvalidMediaError(`Truncated Ogg ${format}: page ${problem.page + 1} is cut off`);
  if (problem?.kind === 'checksum') throw new InvalidMediaError(`Corrupt Ogg ${format}: page ${problem.page + 1} fails its CRC check`);
  if (problem) throw new InvalidMediaError(`Corrupt Ogg ${format}: page ${problem.page + 1} does not start at byte ${problem.offset}`);
  const granule = Number(walk.lastGranule);
  return granule > 0 ? { declaredSeconds: Math.max(0, granule - preSkip) / rate } : {};
}

/** Share of an MP3's bytes that its chain of valid frames must cover: below it, the file is corrupt. */
const MP3_MIN_FRAME_COVERAGE = 0.9;

/**
 * MP3 declares no length; walking its frame headers gives one, finds a broken frame chain, and
 * finds a file cut inside its last frame (decoders play such a file without a word). A file cut
 * between two frames is found only where a Xing/Info frame declares the count: the chain, that
 * frame included, must hold as many frames as it declares (encoders differ on whether the count
 * includes the Xing frame itself, so one frame short passes).
 */
function mp3Facts(bytes: Uint8Array): HeaderFacts {
  const chain = walkMpegFrames(bytes);
  if (!chain) throw new InvalidMediaError('Corrupt MP3: no MPEG audio frame found');
  if (chain.missingBytes > 0) {
    const missing = `${chain.missingBytes} byte${chain.missingBytes === 1 ? '' : 's'}`;
    throw new InvalidMediaError(`Truncated MP3: the last frame (${chain.frames}) is cut off, ${missing} short`);
  }
  if (chain.declaredFrames !== undefined && chain.frames < chain.declaredFrames) {
    throw new InvalidMediaError(`Truncated MP3: ${chain.frames} frames of the ${chain.declaredFrames} its Xing/Info header declares`);
  }
  if (chain.chainBytes < MP3_MIN_FRAME_COVERAGE * chain.audioBytes) {
    const share = ((100 * chain.chainBytes) / chain.audioBytes).toFixed(0);
    throw new InvalidMediaError(`Corrupt MP3: the frame chain breaks after ${chain.frames} frames (${share}% of the data)`);
  }
  return { declaredSeconds: chain.samples / chain.sampleRate };
}

function headerFacts(bytes: Uint8Array, format: MediaFormat): HeaderFacts {
  switch (format) {
    case 'wav': {
      const info = readWavInfo(bytes);
      return { declaredSeconds: info.frames / info.sampleRate, declaredFrames: info.frames };
    }
    case 'flac':
      return flacFacts(bytes);
    case 'mp3':
      return mp3Facts(bytes);
    case 'vorbis':
    case 'opus':
      return oggFacts(bytes, format);
    default:
      return {};
  }
}

/**
 * Sample rates we decode: telephone-band 4 kHz up to 192 kHz studio audio. Anything else is a
 * corrupt or hostile header (a 1 MHz WAV once cost 15 s of resampler design and 500 MB).
 */
export const SAMPLE_RATE_RANGE = { min: 4_000, max: 192_000 } as const;

function checkSampleRate(rate: number): void {
  if (!(rate >= SAMPLE_RATE_RANGE.min && rate <= SAMPLE_RATE_RANGE.max)) {
    throw new UnsupportedMediaError(
      `The audio's sample rate ${rate} Hz is outside the supported ${SAMPLE_RATE_RANGE.min}–${SAMPLE_RATE_RANGE.max} Hz`,
    );
  }
}

function secondsLimitError(seconds: number, limits: AudioLimits): MediaLimitError {
  return new MediaLimitError(
    `Audio is ${seconds.toFixed(1)} s long; the limit is ${limits.maxSeconds} s`,
    { name: 'maxSeconds', max: limits.maxSeconds, actual: seconds },
  );
}

function mixToMono(channels: Float32Array[][], frames: number): Float32Array {
  const mono = new Float32Array(frames);
  const channelCount = channels.length;
  for (const pieces of channels) {
    let offset = 0;
    for (const piece of pieces) {
      for (let i = 0; i < piece.length; i++) mono[offset + i] += piece[i];
      offset += piece.length;
    }
  }
  if (channelCount > 1) for (let i = 0; i < frames; i++) mono[i] /= channelCount;
  return mono;
}

/**
 * Decodes WAV, MP3, Ogg Vorbis, Opus or FLAC bytes to mono float samples at the file's own rate.
 * Limits are checked before decoding from the length the file declares (MP3: its frame headers),
 * and again on the running sample count while decoding.
 * @throws UnsupportedMediaError (not audio), InvalidMediaError (corrupt/truncated), MediaLimitError.
 */
export async function decodeAudio(bytes: Uint8Array, limits: Partial<AudioLimits> = {}): Promise<DecodedAudio> {
  return decodeSniffedAudio(bytes, sniffMedia(bytes), limits);
}

/** decodeAudio for bytes the caller has already sniffed (see decodeMedia). */
export async function decodeSniffedAudio(bytes: Uint8Array, sniffed: SniffedMedia, limits: Partial<AudioLimits> = {}): Promise<DecodedAudio> {
  const max: AudioLimits = { ...DEFAULT_AUDIO_LIMITS, ...limits };
  const decoderName = DECODER_NAME[sniffed.format];
  if (sniffed.kind !== 'audio' || !decoderName) {
    throw new UnsupportedMediaError(`Expected audio, got ${sniffed.mime}`);
  }
  if (sniffed.format === 'wav') checkSampleRate(readWavInfo(bytes).sampleRate);
  const facts = headerFacts(bytes, sniffed.format);
  if (facts.declaredSeconds !== undefined && facts.declaredSeconds > max.maxSeconds) {
    throw secondsLimitError(facts.declaredSeconds, max);
  }

  if (sniffed.format === 'wav') {
    const info = readWavInfo(bytes);
    // Plain PCM is read here so its scaling matches libsndfile exactly (audio-decode divides
    // positive int16 by 32767, which skews quiet mel bins against the Python reference).
    if (isPlainPcm(info)) {
      if (info.frames === 0) throw new InvalidMediaError('WAV has no samples');
      const samples = readWavPcmMono(bytes, info);
      return { format: 'wav', samples, sampleRate: info.sampleRate, channels: info.channels, durationSeconds: info.frames / info.sampleRate };
    }
  }

  const decoder = await decodeAudioBytes[decoderName]();
  const pieces: Float32Array[][] = [];
  let frames = 0;
  let sampleRate = 0;
  const take = (result: { channelData: Float32Array[]; sampleRate: number }) => {
    if (result.channelData.length === 0 || result.channelData[0].length === 0) return;
    if (sampleRate === 0) checkSampleRate(result.sampleRate);
    sampleRate = result.sampleRate;
    // Copied: wasm decoders may hand out views of a buffer they reuse on the next call.
    result.channelData.forEach((data, c) => (pieces[c] ??= []).push(data.slice()));
    frames += result.channelData[0].length;
    if (sampleRate > 0 && frames / sampleRate > max.maxSeconds) throw secondsLimitError(frames / sampleRate, max);
  };
  try {
    for (let offset = 0; offset < bytes.length; offset += FEED_CHUNK_BYTES) {
      take(await decoder(bytes.subarray(offset, offset + FEED_CHUNK_BYTES)));
    }
    take(await decoder());
  } catch (error) {
    decoder.free();
    if (error instanceof MediaLimitError) throw error;
    throw new InvalidMediaError(`Could not decode ${sniffed.format} audio: ${(error as Error).message}`, { cause: error });
  }

  if (frames === 0 || sampleRate <= 0) {
    throw new InvalidMediaError(`Could not decode ${sniffed.format} audio: no samples (corrupt or truncated)`);
  }
  if (facts.declaredFrames !== undefined && frames < facts.declaredFrames) {
    throw new InvalidMediaError(
      `Truncated ${sniffed.format}: ${frames} of ${facts.declaredFrames} declared samples decoded`,
    );
  }
  if (pieces.some((p) => p.reduce((n, a) => n + a.length, 0) !== frames)) {
    throw new InvalidMediaError(`Could not decode ${sniffed.format} audio: channels of unequal length`);
  }
  const samples = mixToMono(pieces, frames);
  return { format: sniffed.format, samples, sampleRate, channels: pieces.length, durationSeconds: frames / sampleRate };
}
