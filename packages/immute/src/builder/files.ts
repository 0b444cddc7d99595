import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Write to a temporary sibling, then rename: a path that exists is always complete. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function itemFiles(index: number): { audio: string; midi: string; image: string; hum: string[] } {
  const id = String(index).padStart(5, '0');
  return { audio: `audio/${id}.wav`, midi: `midi/${id}.mid`, image: `images/${id}.png`, hum: [`hum/${id}_0.wav`, `hum/${id}_1.wav`] };
}

export function itemComplete(outDir: string, index: number): boolean {
  const f = itemFiles(index);
  return [f.audio, f.midi, f.image, ...f.hum].every((p) => existsSync(`${outDir}/${p}`));
}
