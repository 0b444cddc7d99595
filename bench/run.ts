// `npm run bench -- <name> [args…]` runs bench/<name>.ts, which writes bench/results/<name>.json.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [name, ...rest] = process.argv.slice(2);
const benchDir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(benchDir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3));

if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>   (available: ${available.join(', ') || 'none'})`);
  process.exit(2);
}
const file = `${benchDir}${name}.ts`;
if (!existsSync(file)) throw new Error(`no benchmark at ${file}`);
process.argv = [process.argv[0], file, ...rest];
await import(pathToFileURL(file).href);
