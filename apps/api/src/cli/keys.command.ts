import { loadConfig } from '../config/config.js';
import { createLogger } from '../logger.js';
import { parseArgs } from './args.util.js';
import { openDatabaseKeyAdmin, type KeyAdmin, type KeyInfo } from './key-admin.js';
import { apiKeyAdmin } from './api-key-admin.client.js';
import { findRunningApi } from './running-api.js';

const USAGE =
  'usage: npm run keys -- create --scopes read,write,admin [--name NAME] | list | revoke <prefix-or-id>\n' +
  '  while the platform runs, the CLI uses its API (MUSE_API_URL, else the one DATA_DIR/local-admin.json names, else HOST:PORT)\n' +
  '  with an admin key from MUSE_API_KEY or --key KEY (on the API machine, as its user, the local admin file is enough);\n' +
  '  when it does not run, the CLI opens the database itself';

export async function runKeysCommand(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const { positional, options } = parseArgs(argv);
  const command = positional[0];
  if (!command || !['create', 'list', 'revoke'].includes(command) || (command === 'revoke' && !positional[1])) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let admin: KeyAdmin;
  try {
    admin = await openKeyAdmin(env, typeof options.get('key') === 'string' ? String(options.get('key')) : undefined);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  try {
    if (command === 'create') {
      const scopes = String(options.get('scopes') ?? 'read').split(',');
      const name = typeof options.get('name') === 'string' ? String(options.get('name')) : 'cli';
      const made = await admin.create(name, scopes);
      process.stderr.write(`created key ${made.apiKey.prefix}… (${made.apiKey.scopes.join(', ')}) in ${admin.where}; it is shown once:\n`);
      process.stdout.write(`${made.key}\n`);
    } else if (command === 'list') {
      for (const k of await admin.list()) process.stdout.write(`${describe(k)}\n`);
    } else {
      const revoked = await admin.revoke(positional[1]);
      process.stderr.write(`revoked ${revoked.length} key(s): ${revoked.map((k) => `${k.prefix}… (${k.name})`).join(', ')}\n`);
    }
    return 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  } finally {
    await admin.close();
  }
}

async function openKeyAdmin(env: Record<string, string | undefined>, explicitKey: string | undefined): Promise<KeyAdmin> {
  const config = loadConfig(env);
  const running = await findRunningApi(config, env, explicitKey);
  if (running) {
    if (!running.credential) {
      throw new Error(
        `the platform runs at ${running.url}: give an admin key with MUSE_API_KEY=<key> (or --key <key>), ` +
          `or run this on the API's machine as the user it runs as (it then reads ${config.dataDir}/local-admin.json)`,
      );
    }
    return apiKeyAdmin(running.url, running.credential);
  }
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  return openDatabaseKeyAdmin(config, logger);
}

function describe(k: KeyInfo): string {
  return `${k.prefix}…  ${k.name}  ${k.scopes.join(',')}  created ${k.createdAt.toISOString()}${k.revokedAt ? '  REVOKED' : ''}`;
}
