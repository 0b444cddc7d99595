// npm run api: generate the Prisma client if needed, then serve (see api.command.ts).
import { ensurePrismaClient } from '../../scripts/ensure-client.mjs';

ensurePrismaClient();
const { runApiCommand } = await import('./api.command.js');
await runApiCommand();
