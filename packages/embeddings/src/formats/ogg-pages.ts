// Ogg pages (RFC 3533). Every page carries a CRC-32 of itself, so walking the pages finds
// corruption anywhere in the file and a last page cut short, before a decoder that resyncs
// past bad pages turns a damaged file into a plausible but wrong clip.

const HEADER_BYTES = 27;

// CRC-32 as Ogg defines it: polynomial 0x04c11db7, MSB first, initial value 0, no final xor.
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** The page's CRC, computed with its own checksum field (bytes 22–25) taken as zero. */
function pageCrc(page: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < page.length; i++) {
    const byte = i >= 22 && i < 26 ? 0 : page[i];
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]) >>> 0;
  }
  return crc;
}

export type OggProblem =
  | { kind: 'truncated'; page: number }
  | { kind: 'checksum'; page: number }
  | { kind: 'not-a-page'; page: number; offset: number };

export interface OggPages {
  pages: number;
  /** Granule position of the last page (the stream length in samples, codec-defined). */
  lastGranule: bigint;
  problem?: OggProblem;
}

/** Walks the pages from byte 0, checking each one's capture pattern, length and CRC. */
export function walkOggPages(bytes: Uint8Array): OggPages {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  let pages = 0;
  let lastGranule = 0n;
  while (offset < bytes.length) {
    if (offset + HEADER_BYTES > bytes.length) return { pages, lastGranule, problem: { kind: 'truncated', page: pages } };
    if (view.getUint32(offset) !== 0x4f676753) { // "OggS"
      return { pages, lastGranule, problem: { kind: 'not-a-page', page: pages, offset } };
    }
    const segments = bytes[offset + 26];
    const tableEnd = offset + HEADER_BYTES + segments;
    if (tableEnd > bytes.length) return { pages, lastGranule, problem: { kind: 'truncated', page: pages } };
    let bodyBytes = 0;
    for (let i = offset + HEADER_BYTES; i < tableEnd; i++) bodyBytes += bytes[i];
    const end = tableEnd + bodyBytes;
    if (end > bytes.length) return { pages, lastGranule, problem: { kind: 'truncated', page: pages } };
    if (pageCrc(bytes.subarray(offset, end)) !== view.getUint32(offset + 22, true)) {
      return { pages, lastGranule, problem: { kind: 'checksum', page: pages } };
    }
    const granule = view.getBigInt64(offset + 6, true);
    if (granule >= 0n) lastGranule = granule; // -1: no packet ends on this page
    pages++;
    offset = end;
  }
  return { pages, lastGranule };
}
