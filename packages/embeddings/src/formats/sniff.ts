import { UnsupportedMediaError } from '../errors.js';
import { ID3_PADDING_SCAN, id3TagEnd, mpegFrameHeader } from './mpeg-frames.js';

export type MediaKind = 'image' | 'audio';
/** The container/codec we recognised; decoders dispatch on this, never on a file name. */
export type MediaFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'wav' | 'mp3' | 'vorbis' | 'opus' | 'flac';

export interface SniffedMedia {
  kind: MediaKind;
  mime: string;
  ext: string;
  format: MediaFormat;
}

const TYPES: Record<MediaFormat, SniffedMedia> = {
  png: { kind: 'image', mime: 'image/png', ext: 'png', format: 'png' },
  jpeg: { kind: 'image', mime: 'image/jpeg', ext: 'jpg', format: 'jpeg' },
  webp: { kind: 'image', mime: 'image/webp', ext: 'webp', format: 'webp' },
  gif: { kind: 'image', mime: 'image/gif', ext: 'gif', format: 'gif' },
  wav: { kind: 'audio', mime: 'audio/wav', ext: 'wav', format: 'wav' },
  mp3: { kind: 'audio', mime: 'audio/mpeg', ext: 'mp3', format: 'mp3' },
  vorbis: { kind: 'audio', mime: 'audio/ogg', ext: 'ogg', format: 'vorbis' },
  opus: { kind: 'audio', mime: 'audio/ogg; codecs=opus', ext: 'opus', format: 'opus' },
  flac: { kind: 'audio', mime: 'audio/flac', ext: 'flac', format: 'flac' },
};

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  if (offset + length > bytes.length) return '';
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(bytes[offset + i]);
  return s;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  if (offset + prefix.length > bytes.length) return false;
  return prefix.every((b, i) => bytes[offset + i] === b);
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SOI = [0xff, 0xd8, 0xff];

/**
 * A bare MPEG stream has no signature, only frame headers. One header matches random bytes
 * too easily, so when the data is long enough the next frame must follow where the first says.
 */
function looksLikeMpegAudio(bytes: Uint8Array, offset: number): boolean {
  const length = mpegFrameHeader(bytes, offset)?.length ?? 0;
  if (length === 0) return false;
  const next = offset + length;
  if (next + 4 > bytes.length) return true;
  return mpegFrameHeader(bytes, next) !== undefined;
}

/** The codec of an Ogg stream is named by the first packet of its first page. */
function sniffOgg(bytes: Uint8Array): SniffedMedia | undefined {
  if (bytes.length < 27 || bytes[4] !== 0) return undefined;
  const segments = bytes[26];
  const dataStart = 27 + segments;
  if (startsWith(bytes, [0x01, 0x76, 0x6f, 0x72, 0x62, 0x69, 0x73], dataStart)) return TYPES.vorbis; // "\x01vorbis"
  if (ascii(bytes, dataStart, 8) === 'OpusHead') return TYPES.opus;
  return undefined;
}

function describe(bytes: Uint8Array): string {
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length === 0 ? 'empty input' : `leading bytes ${head}`;
}

/**
 * Identifies image and audio content from its magic bytes.
 * @throws UnsupportedMediaError for anything else (including Ogg with a codec other than Vorbis/Opus).
 */
export function sniffMedia(bytes: Uint8Array): SniffedMedia {
  if (startsWith(bytes, PNG_SIGNATURE)) return TYPES.png;
  if (startsWith(bytes, JPEG_SOI)) return TYPES.jpeg;
  const head4 = ascii(bytes, 0, 4);
  if (head4 === 'GIF8' && (ascii(bytes, 4, 2) === '7a' || ascii(bytes, 4, 2) === '9a')) return TYPES.gif;
  if (head4 === 'RIFF') {
    const form = ascii(bytes, 8, 4);
    if (form === 'WEBP') return TYPES.webp;
    if (form === 'WAVE') return TYPES.wav;
  }
  if (head4 === 'fLaC') return TYPES.flac;
  if (head4 === 'OggS') {
    const ogg = sniffOgg(bytes);
    if (ogg) return ogg;
    throw new UnsupportedMediaError('Ogg stream with a codec other than Vorbis or Opus is not supported');
  }
  if (ascii(bytes, 0, 3) === 'ID3' && bytes.length >= 10) {
    const end = id3TagEnd(bytes);
    if (ascii(bytes, end, 4) === 'fLaC') return TYPES.flac;
    // A tag that runs past the data is a truncated MP3; decoding will report it.
    if (end >= bytes.length) return TYPES.mp3;
    const scanEnd = Math.min(bytes.length, end + ID3_PADDING_SCAN);
    for (let i = end; i < scanEnd; i++) if (looksLikeMpegAudio(bytes, i)) return TYPES.mp3;
  }
  if (looksLikeMpegAudio(bytes, 0)) return TYPES.mp3;
  throw new UnsupportedMediaError(
    `Unsupported media (${describe(bytes)}); accepted: PNG, JPEG, WebP, GIF, WAV, MP3, Ogg Vorbis, Opus, FLAC`,
  );
}
