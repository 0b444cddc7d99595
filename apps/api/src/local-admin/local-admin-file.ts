// DATA_DIR/local-admin.json: how a CLI on the API's own machine, run by the user the API runs as,
// reaches the running API and proves itself without an API key (see apps/api/README.md, "Keys").
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from '../process-alive.util.js';

export const LOCAL_ADMIN_FILE = 'local-admin.json';

export interface LocalAdminFile {
  /** loopback URL of the running API */
  url: string;
  /** accepted as `Authorization: Bearer <token>` from loopback only, for the admin scope only */
  token: string;
  pid: number;
}

export function newLocalAdminToken(): string {
  return `muse_local_${randomBytes(32).toString('base64url')}`;
}

/** Written at API start with mode 0600 (temp name, then rename: never readable by others, even briefly). */
export function writeLocalAdminFile(dataDir: string, content: LocalAdminFile): void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCAL_ADMIN_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  writeFileSync(tmp, JSON.stringify(content), { mode: 0o600, flag: 'wx' });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** Removed at API stop, unless another API has written its own since. */
export function removeLocalAdminFile(dataDir: string, token: string): void {
  const path = join(dataDir, LOCAL_ADMIN_FILE);
  try {
    if ((JSON.parse(readFileSync(path, 'utf8')) as LocalAdminFile).token === token) rmSync(path);
  } catch {
    // gone or not ours to remove
  }
}

/** The file of a live API under dataDir; null when absent, unreadable, malformed or left by a dead process. */
export function readLocalAdminFile(dataDir: string): LocalAdminFile | null {
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, LOCAL_ADMIN_FILE), 'utf8')) as Partial<LocalAdminFile>;
    if (typeof parsed.url !== 'string' || typeof parsed.token !== 'string' || typeof parsed.pid !== 'number') return null;
    return isProcessAlive(parsed.pid) ? (parsed as LocalAdminFile) : null;
  } catch {
    return null;
  }
}
