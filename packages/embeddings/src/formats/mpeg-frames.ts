// MPEG audio (MP3) frame headers. An MP3 file has no container that declares its length: it is
// a chain of frames, each header giving the frame's byte length, so walking the chain tells
// both the duration and whether the bytes are what they claim to be.

// Bitrates (kbps), indexed [layer][bitrateIndex], for MPEG1 and for MPEG2/2.5.
const MPEG1_BITRATES: Record<number, number[]> = {
  1: [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  2: [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
};
const MPEG2_BITRATES: Record<number, number[]> = {
  1: [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  3: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

const ID3V1_BYTES = 128;
/** How far past an ID3v2 tag to look for the first frame: encoders sometimes leave padding. */
export const ID3_PADDING_SCAN = 4096;

export interface MpegFrameHeader {
  /** Bytes of the whole frame, header included. */
  length: number;
  /** Samples per channel the frame decodes to. */
  samples: number;
  sampleRate: number;
}

/** The MPEG audio frame header at `offset`, or undefined where there is none (free-format frames included). */
export function mpegFrameHeader(bytes: Uint8Array, offset: number): MpegFrameHeader | undefined {
  if (offset + 4 > bytes.length) return undefined;
  const b1 = bytes[offset + 1];
  const b2 = bytes[offset + 2];
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const version = (b1 >> 3) & 0x3; // 3 = MPEG1, 2 = MPEG2, 0 = MPEG2.5, 1 = reserved
  const layerBits = (b1 >> 1) & 0x3; // 1 = III, 2 = II, 3 = I, 0 = reserved (ADTS AAC uses 0)
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 0x3;
  if (version === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const layer = 4 - layerBits;
  const bitrate = (version === 3 ? MPEG1_BITRATES : MPEG2_BITRATES)[layer][bitrateIndex] * 1000;
  const sampleRate = SAMPLE_RATES[version][rateIndex];
  const padding = (b2 >> 1) & 0x1;
  if (layer === 1) return { length: (Math.floor((12 * bitrate) / sampleRate) + padding) * 4, samples: 384, sampleRate };
  const samples = layer === 3 && version !== 3 ? 576 : 1152;
  return { length: Math.floor(((samples / 8) * bitrate) / sampleRate) + padding, samples, sampleRate };
}

/**
 * The frame count a Xing or Info frame (LAME and most encoders write one first, in place of
 * audio) declares, when the frame at `offset` is one that declares it. It sits after the
 * header and the side information, whose size depends on the MPEG version and the mode.
 */
export function declaredFrameCount(bytes: Uint8Array, offset: number): number | undefined {
  const mpeg1 = ((bytes[offset + 1] >> 3) & 0x3) === 3;
  const mono = bytes[offset + 3] >> 6 === 3;
  const tagAt = offset + 4 + (mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17);
  if (tagAt + 12 > bytes.length) return undefined;
  const tag = String.fromCharCode(...bytes.subarray(tagAt, tagAt + 4));
  if (tag !== 'Xing' && tag !== 'Info') return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const framesFlag = 0x1;
  return view.getUint32(tagAt + 4) & framesFlag ? view.getUint32(tagAt + 8) : undefined;
}

/** Where an ID3v2 tag that starts at byte 0 ends (size: four 7-bit "syncsafe" bytes; a footer adds 10). */
export function id3TagEnd(bytes: Uint8Array): number {
  const size = ((bytes[6] & 0x7f) << 21) | ((bytes[7] & 0x7f) << 14) | ((bytes[8] & 0x7f) << 7) | (bytes[9] & 0x7f);
  const footer = bytes[5] & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

export interface MpegFrameChain {
  frames: number;
  /** Samples per channel of all frames in the chain. */
  samples: number;
  sampleRate: number;
  /** Bytes the chain of consecutive valid frames covers, from its first frame. */
  chainBytes: number;
  /** Bytes from the first frame to the end of the audio data (a trailing ID3v1 tag excluded). */
  audioBytes: number;
  /** Bytes the chain's last frame declares beyond the end of the audio data: > 0 when the file is cut inside it. */
  missingBytes: number;
  /** Frames a Xing/Info frame at the start declares (that frame itself not counted), when there is one. */
  declaredFrames?: number;
}

/**
 * Follows the frames from the first header after any ID3v2 tag (and its padding) for as long as
 * each frame ends where a valid header begins. A file cut inside its last frame still counts
 * that frame, and says how many bytes of it are missing. Undefined when no frame header is found.
 */
export function walkMpegFrames(bytes: Uint8Array): MpegFrameChain | undefined {
  let start = bytes.length >= 10 && bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33 ? id3TagEnd(bytes) : 0;
  const scanEnd = Math.min(bytes.length, start + ID3_PADDING_SCAN);
  while (start < scanEnd && !mpegFrameHeader(bytes, start)) start++;
  const first = mpegFrameHeader(bytes, start);
  if (!first) return undefined;
  const tagStart = bytes.length - ID3V1_BYTES;
  const hasId3v1 = tagStart > start && String.fromCharCode(...bytes.subarray(tagStart, tagStart + 3)) === 'TAG';
  const end = hasId3v1 ? tagStart : bytes.length;
  let offset = start;
  let frames = 0;
  let samples = 0;
  for (let header: MpegFrameHeader | undefined = first; header && offset < end; header = mpegFrameHeader(bytes, offset)) {
    frames++;
    samples += header.samples;
    offset += header.length;
  }
  return {
    frames,
    samples,
    sampleRate: first.sampleRate,
    chainBytes: Math.min(offset, end) - start,
    audioBytes: end - start,
    missingBytes: Math.max(0, offset - end),
    declaredFrames: declaredFrameCount(bytes, start),
  };
}
