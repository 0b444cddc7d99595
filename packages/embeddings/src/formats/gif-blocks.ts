// GIF blocks (GIF89a spec §17–27): header, screen descriptor, optional colour table, then
// extensions and images made of length-prefixed sub-blocks, ended by the trailer 0x3B. libvips
// reads only the first frame, so a file cut after it would otherwise pass as whole.

const HEADER_BYTES = 6;
const SCREEN_DESCRIPTOR_BYTES = 7;
/** Image descriptor after its 0x2C introducer: left, top, width, height (2 bytes each), flags. */
const IMAGE_DESCRIPTOR_BYTES = 9;
const EXTENSION = 0x21;
const IMAGE = 0x2c;
const TRAILER = 0x3b;

export type GifProblem =
  | { kind: 'truncated'; block: number }
  | { kind: 'unknown-block'; block: number; offset: number; byte: number };

/** Bytes of a colour table announced by a flags byte (bit 7: present; bits 0–2: size). */
function colourTableBytes(flags: number): number {
  return flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0;
}

/** The offset just past a chain of sub-blocks starting at `offset`, or undefined when cut off. */
function skipSubBlocks(bytes: Uint8Array, offset: number): number | undefined {
  while (offset < bytes.length) {
    const size = bytes[offset];
    offset += 1 + size;
    if (size === 0) return offset;
  }
  return undefined;
}

/** Walks every block up to the trailer; bytes after the trailer are ignored, as decoders do. */
export function checkGifBlocks(bytes: Uint8Array): GifProblem | undefined {
  let offset = HEADER_BYTES + SCREEN_DESCRIPTOR_BYTES;
  if (offset > bytes.length) return { kind: 'truncated', block: 0 };
  offset += colourTableBytes(bytes[HEADER_BYTES + 4]);
  for (let block = 0; ; block++) {
    if (offset >= bytes.length) return { kind: 'truncated', block };
    const introducer = bytes[offset];
    if (introducer === TRAILER) return undefined;
    let next: number | undefined;
    if (introducer === EXTENSION) {
      next = offset + 2 <= bytes.length ? skipSubBlocks(bytes, offset + 2) : undefined;
    } else if (introducer === IMAGE) {
      const flagsAt = offset + IMAGE_DESCRIPTOR_BYTES;
      // after the descriptor and any local colour table: the LZW minimum code size, then the data
      const dataAt = flagsAt < bytes.length ? flagsAt + 1 + colourTableBytes(bytes[flagsAt]) + 1 : undefined;
      next = dataAt !== undefined && dataAt <= bytes.length ? skipSubBlocks(bytes, dataAt) : undefined;
    } else {
      return { kind: 'unknown-block', block, offset, byte: introducer };
    }
    if (next === undefined || next > bytes.length) return { kind: 'truncated', block };
    offset = next;
  }
}
