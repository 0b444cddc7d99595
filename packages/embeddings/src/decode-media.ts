import { decodeSniffedAudio, type AudioLimits, type DecodedAudio } from './audio/decode.js';
import { InvalidMediaError } from './errors.js';
import { sniffMedia, type MediaKind, type SniffedMedia } from './formats/sniff.js';
import { decodeSniffedImage, type DecodedImage, type ImageLimits } from './image/decode.js';

export type DecodedMedia =
  | { kind: 'image'; sniffed: SniffedMedia; image: DecodedImage }
  | { kind: 'audio'; sniffed: SniffedMedia; audio: DecodedAudio };

export interface DecodeMediaOptions {
  /** refuse the other kind before decoding anything */
  expect?: MediaKind;
  image?: Partial<ImageLimits>;
  audio?: Partial<AudioLimits>;
}

/**
 * Recognises an image or audio file from its bytes (once) and decodes it within limits.
 * @throws UnsupportedMediaError (unrecognised), InvalidMediaError (corrupt, or not the expected kind), MediaLimitError.
 */
export async function decodeMedia(bytes: Uint8Array, options: DecodeMediaOptions = {}): Promise<DecodedMedia> {
  const sniffed = sniffMedia(bytes);
  if (options.expect && sniffed.kind !== options.expect) {
    throw new InvalidMediaError(`expected ${options.expect === 'image' ? 'an image' : 'audio'}, but the file is ${sniffed.mime}`);
  }
  if (sniffed.kind === 'image') return { kind: 'image', sniffed, image: await decodeSniffedImage(bytes, sniffed, options.image) };
  return { kind: 'audio', sniffed, audio: await decodeSniffedAudio(bytes, sniffed, options.audio) };
}
