// X-Moto's data pack (xmoto.bin, format "XBI3", written by the game's packager and read by its
// FileSystem): "XBI3", one byte ' ', the 32-character md5 of the pack, then per file a 1-byte name
// length, the name (a path such as `Levels/l1136.lvl`), a 1-byte md5 length, the md5 of the file,
// its size as a little-endian int32 and its bytes. Read here only to list and copy out entries.
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export class XbiError extends Error {}

export interface XbiEntry {
  name: string;
  md5: string;
  /** Byte offset of the file's data inside the pack. */
  offset: number;
  size: number;
}

const MAGIC = 'XBI3';
const HEADER = MAGIC.length + 1 + 32;

/** The entries of an XBI3 pack, in pack order. */
export function parseXbiIndex(bytes: Uint8Array): XbiEntry[] {
  const text = (from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString('latin1');
  if (bytes.length < HEADER || text(0, MAGIC.length) !== MAGIC) throw new XbiError('not an XBI3 pack');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: XbiEntry[] = [];
  let at = HEADER;
  while (at < bytes.length) {
    const nameLength = bytes[at];
    const md5Length = bytes[at + 1 + nameLength];
    const sizeAt = at + 2 + nameLength + md5Length;
    if (nameLength === 0 || sizeAt + 4 > bytes.length) throw new XbiError(`truncated entry at byte ${at}`);
    const size = view.getInt32(sizeAt, true);
    const offset = sizeAt + 4;
    if (size < 0 || offset + size > bytes.length) throw new XbiError(`entry at byte ${at} runs past the pack's end`);
    entries.push({ name: text(at + 1, at + 1 + nameLength), md5: text(at + 2 + nameLength, sizeAt), offset, size });
    at = offset + size;
  }
  return entries;
}

/** Copies the entries `wanted` selects from the pack at `packPath` into `outDir`/<entry name>
 * (each written to a temporary name and renamed; an entry already there at its size is kept).
 * Returns the names copied or kept. */
export function extractXbi(packPath: string, outDir: string, wanted: (name: string) => boolean): string[] {
  const fd = openSync(packPath, 'r');
  try {
    const bytes = new Uint8Array(statSync(packPath).size);
    readSync(fd, bytes, 0, bytes.length, 0);
    const names: string[] = [];
    for (const e of parseXbiIndex(bytes)) {
      if (!wanted(e.name)) continue;
      if (e.name.split('/').some((part) => part === '..' || part === '')) throw new XbiError(`unsafe entry name ${e.name}`);
      const target = join(outDir, e.name);
      if (!existsSync(target) || statSync(target).size !== e.size) {
        mkdirSync(dirname(target), { recursive: true });
        const tmp = `${target}.tmp-${process.pid}`;
        writeFileSync(tmp, bytes.subarray(e.offset, e.offset + e.size));
        renameSync(tmp, target);
      }
      names.push(e.name);
    }
    return names;
  } finally {
    closeSync(fd);
  }
}
