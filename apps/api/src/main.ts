// `npm run api`: generate the Prisma client if needed, then start (see server.ts).
import { ensurePrismaClient } from '../scripts/ensure-client.mjs';

ensurePrismaClient();
const { runApiCommand } = await import('./cli/api.command.js');
await runApiCommand();
