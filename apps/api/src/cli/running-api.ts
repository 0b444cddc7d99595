import type { Config } from '../config/config.js';
import { readLocalAdminFile } from '../local-admin/local-admin-file.js';

export interface RunningApiTarget {
  url: string;
  /** an admin key given by the user, else the local admin token when `url` is the API that wrote it */
  credential?: string;
}

const PROBE_TIMEOUT_MS = 2000;

/**
 * The Muse API the CLI should talk to, or null when none answers (then the CLI opens the database).
 * Candidates, first answering wins: MUSE_API_URL if set; else the API that wrote DATA_DIR/local-admin.json,
 * then http://HOST:PORT. The local admin token is only ever sent to the URL from that same file.
 */
export async function findRunningApi(config: Config, env: Record<string, string | undefined>, explicitKey?: string): Promise<RunningApiTarget | null> {
  const local = readLocalAdminFile(config.dataDir);
  const fromEnv = env.MUSE_API_URL ? [normaliseUrl(env.MUSE_API_URL)] : [local?.url, config.port ? `http://${probeHost(config.host)}:${config.port}` : undefined];
  const candidates = [...new Set(fromEnv.filter((u): u is string => Boolean(u)))];
  for (const url of candidates) {
    if (!(await isMuseApi(url))) continue;
    const credential = explicitKey ?? env.MUSE_API_KEY ?? (local && local.url === url ? local.token : undefined);
    return { url, credential };
  }
  return null;
}

async function isMuseApi(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return res.ok && ((await res.json()) as { service?: string }).service === 'muse-api';
  } catch {
    return false;
  }
}

function normaliseUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/graphql$/, '');
}

/** Where a client reaches a server listening on `host` (all interfaces → loopback). */
function probeHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
