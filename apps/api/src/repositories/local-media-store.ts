import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MediaStore, StoredMediaFile } from './media-store.js';

/** DATA_DIR/media/<sha256[0:2]>/<sha256>.<ext>, written to a temp name then renamed. */
export class LocalMediaStore implements MediaStore {
  constructor(private readonly root: string) {}

  private pathOf(sha256: string, ext: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256) || !/^[a-z0-9]{1,8}$/.test(ext)) throw new Error(`bad media address ${sha256}.${ext}`);
    return join(this.root, sha256.slice(0, 2), `${sha256}.${ext}`);
  }

  async put(sha256: string, ext: string, bytes: Uint8Array): Promise<boolean> {
    const path = this.pathOf(sha256, ext);
    if (await exists(path)) return false;
    await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return true;
  }

  async read(sha256: string, ext: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(this.pathOf(sha256, ext)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async locate(sha256: string, ext: string): Promise<string | null> {
    const path = this.pathOf(sha256, ext);
    return (await exists(path)) ? path : null;
  }

  async remove(sha256: string, ext: string): Promise<void> {
    await rm(this.pathOf(sha256, ext), { force: true });
  }

  async discard(file: StoredMediaFile): Promise<void> {
    await rm(file.path, { force: true });
  }

  async *list(): AsyncIterable<StoredMediaFile> {
    const shards = await readdir(this.root).catch(() => [] as string[]);
    for (const shard of shards.filter((name) => /^[0-9a-f]{2}$/.test(name))) {
      for (const name of await readdir(join(this.root, shard)).catch(() => [] as string[])) {
        const path = join(this.root, shard, name);
        const info = await stat(path).catch(() => null);
        if (!info?.isFile()) continue;
        const stored = /^([0-9a-f]{64})\.([a-z0-9]{1,8})$/.exec(name);
        if (stored) yield { path, sha256: stored[1], ext: stored[2], temp: false, modifiedMs: info.mtimeMs };
        else if (name.endsWith('.tmp')) yield { path, sha256: null, ext: null, temp: true, modifiedMs: info.mtimeMs };
      }
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
