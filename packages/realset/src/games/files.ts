// Finding a game's files the way the game does: exact path first, then (for paths older levels
// still carry) by base name under a folder.
import { existsSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';

/** Every file below `dir` (relative to `root`), as root-relative paths. */
export function listFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${rel}/${e.name}`);
      else out.push(`${rel}/${e.name}`);
    }
  };
  if (existsSync(join(root, dir))) walk(dir);
  return out.sort();
}

export class FileFinder {
  private readonly byBase = new Map<string, string[]>();

  constructor(private readonly root: string, private readonly base: string, searchDirs: string[]) {
    for (const dir of searchDirs) {
      for (const f of listFiles(root, `${base}/${dir}`)) {
        const name = posix.basename(f).toLowerCase();
        this.byBase.set(name, [...(this.byBase.get(name) ?? []), f]);
      }
    }
  }

  /** `ref` relative to the game's base folder (a leading '/' is ignored), else the one file of that base name. */
  find(ref: string): string | undefined {
    const clean = ref.replace(/^\/+/, '');
    const direct = `${this.base}/${clean}`;
    if (existsSync(join(this.root, direct))) return direct;
    const hits = this.byBase.get(posix.basename(clean).toLowerCase()) ?? [];
    return hits.length === 1 ? hits[0] : undefined;
  }
}
