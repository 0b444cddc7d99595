import { loadConfig } from '../config/config.js';
import { createLogger } from '../logger.js';
import { openStorage } from '../api.js';
import { parseArgs } from './args.util.js';

const USAGE = 'usage: npm run keys -- create --scopes read,write,admin [--name NAME] | list | revoke <prefix-or-id>';

export async function runKeysCommand(argv: string[]): Promise<number> {
  const { positional, options } = parseArgs(argv);
  const command = positional[0];
  if (!command || !['create', 'list', 'revoke'].includes(command)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  let storage;
  try {
    storage = await openStorage(config, logger);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  try {
    if (command === 'create') {
      const scopes = String(options.get('scopes') ?? 'read').split(',');
      const name = typeof options.get('name') === 'string' ? String(options.get('name')) : 'cli';
      const made = await storage.auth.createKey(name, scopes);
      process.stderr.write(`created key ${made.prefix}… (${made.scopes.join(', ')}); it is shown once:\n`);
      process.stdout.write(`${made.key}\n`);
    } else if (command === 'list') {
      for (const k of await storage.auth.list()) {
        process.stdout.write(`${k.prefix}…  ${k.name}  ${k.scopes.join(',')}  created ${k.createdAt.toISOString()}${k.revokedAt ? '  REVOKED' : ''}\n`);
      }
    } else {
      const target = positional[1];
      if (!target) {
        process.stderr.write(`${USAGE}\n`);
        return 2;
      }
      const n = await storage.auth.revoke(target);
      process.stderr.write(n ? `revoked ${n} key(s)\n` : `no active key matches ${target}\n`);
      if (!n) return 1;
    }
    return 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  } finally {
    await storage.db.close();
  }
}
