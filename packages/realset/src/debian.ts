// Debian packages fetched without root: `apt-get download` into DIR/cache/deb, `dpkg -x` into
// DIR/cache/x/<package> (extracted to a temporary folder, then renamed, so a folder there is whole).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export class DebianError extends Error {}

export interface FetchedPackage {
  name: string;
  version: string;
  deb: string;
}

function run(command: string, args: string[], cwd?: string): void {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new DebianError(`${command} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr.trim().slice(-800)}`);
  }
}

function findDeb(debDir: string, name: string): string | undefined {
  if (!existsSync(debDir)) return undefined;
  return readdirSync(debDir).filter((f) => f.startsWith(`${name}_`) && f.endsWith('.deb')).sort().at(-1);
}

/** The package's .deb in `cacheDir`/deb, downloaded if missing (once more after `apt-get update`
 * when apt does not know it yet), and extracted under `cacheDir`/x/<name>. */
export function fetchPackage(cacheDir: string, name: string, log: (line: string) => void): FetchedPackage {
  const debDir = join(cacheDir, 'deb');
  mkdirSync(debDir, { recursive: true });
  let deb = findDeb(debDir, name);
  if (!deb) {
    log(`apt-get download ${name}`);
    try {
      run('apt-get', ['download', name], debDir);
    } catch {
      log('apt-get update (the package lists do not know it yet)');
      run('apt-get', ['update']);
      run('apt-get', ['download', name], debDir);
    }
    deb = findDeb(debDir, name);
    if (!deb) throw new DebianError(`apt-get download ${name} left no .deb in ${debDir}`);
  }
  const target = join(cacheDir, 'x', name);
  if (!existsSync(target)) {
    log(`dpkg -x ${deb}`);
    const tmp = `${target}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    run('nice', ['-n', '10', 'dpkg', '-x', join(debDir, deb), tmp]);
    renameSync(tmp, target);
  }
  const version = decodeURIComponent(deb.slice(name.length + 1).split('_')[0]).replace(/%3a/gi, ':');
  return { name, version, deb };
}
