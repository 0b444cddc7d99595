import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** sha256 of a file's bytes, hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A temp name beside `path`, so the final rename stays on one filesystem (and so is atomic). */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Makes `tmp` durable and moves it over `path`: fsync the file, rename, fsync the folder.
 * Readers see either the old file or the new one, never a half-written one.
 */
export async function commitTempFile(tmp: string, path: string): Promise<void> {
  try {
    await fsyncPath(tmp);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  try {
    await fsyncPath(dirname(path));
  } catch {
    // Some filesystems refuse to fsync a directory; the rename itself has happened.
  }
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(path);
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
  await commitTempFile(tmp, path);
}
