// npm run ingest -- --corpus DIR | --dir FOLDER | --import REPORT.json  [--library NAME] [--limit N]
import { ensurePrismaClient } from '../../scripts/ensure-client.mjs';

ensurePrismaClient();
const { runIngestCommand } = await import('./ingest.command.js');
process.exitCode = await runIngestCommand(process.argv.slice(2));
