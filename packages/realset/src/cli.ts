// npm run realset -- build --out DIR [--games a,b] [--limit N]
import { buildRealset } from './build.js';
import { GAMES } from './games/index.js';

const USAGE = `usage: npm run realset -- build --out DIR [--games ${GAMES.map((g) => g.id).join(',')}] [--limit N]`;

function parseArgs(argv: string[]): { command?: string; out?: string; games?: string[]; limit?: number } {
  const args: { command?: string; out?: string; games?: string[]; limit?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') args.out = argv[++i];
    else if (a === '--games') args.games = (argv[++i] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--limit') {
      args.limit = Number(argv[++i]);
      if (!Number.isInteger(args.limit) || args.limit < 1) throw new Error('--limit takes a positive integer');
    } else if (!args.command && !a.startsWith('-')) args.command = a;
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (args.command !== 'build' || !args.out) {
    console.error(USAGE);
    process.exit(2);
  }
  const result = await buildRealset({ out: args.out, games: args.games, limit: args.limit });
  for (const f of result.failed) console.error(`failed: ${f.game}: ${f.what}: ${f.reason}`);
  process.exit(result.complete ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
