// npm run worker: generate the Prisma client if needed, then run jobs (see worker.command.ts).
import { ensurePrismaClient } from '../../scripts/ensure-client.mjs';

ensurePrismaClient();
const { runWorkerCommand } = await import('./worker.command.js');
await runWorkerCommand();
