// npm run keys -- create --scopes read,write,admin [--name NAME] | list | revoke <prefix-or-id>
import { ensurePrismaClient } from '../../scripts/ensure-client.mjs';

ensurePrismaClient();
const { runKeysCommand } = await import('./keys.command.js');
process.exitCode = await runKeysCommand(process.argv.slice(2));
