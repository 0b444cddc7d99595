// PNG chunks (ISO/IEC 15948 §5.3): length, type, data, CRC-32 of type and data. libpng stops
// reading after the last image data it needs and checks only the chunks it reads, so a file
// missing its IEND chunk, or ancillary chunks with a bad CRC, would otherwise pass.
import { crc32 } from 'node:zlib';

const SIGNATURE_BYTES = 8;
/** Length, type and CRC around each chunk's data. */
const CHUNK_OVERHEAD = 12;

export type PngProblem =
  | { kind: 'truncated'; chunk: number; type: string }
  | { kind: 'checksum'; chunk: number; type: string }
  | { kind: 'no-iend'; chunks: number };

/** Walks the chunks from the signature to IEND; bytes after IEND are ignored, as decoders do. */
export function checkPngChunks(bytes: Uint8Array): PngProblem | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = SIGNATURE_BYTES;
  let chunk = 0;
  while (offset < bytes.length) {
    if (offset + 8 > bytes.length) return { kind: 'truncated', chunk, type: 'its length and type' };
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const end = offset + CHUNK_OVERHEAD + length;
    if (end > bytes.length) return { kind: 'truncated', chunk, type };
    if (crc32(bytes.subarray(offset + 4, end - 4)) !== view.getUint32(end - 4)) return { kind: 'checksum', chunk, type };
    if (type === 'IEND') return undefined;
    chunk++;
    offset = end;
  }
  return { kind: 'no-iend', chunks: chunk };
}
