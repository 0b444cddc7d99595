// Command-line flags of the package's CLIs: `--name value`, `--name=value` and bare switches.

export class UsageError extends Error {}

/** A numeric flag: `fallback` (or undefined) when absent, UsageError when not a number. */
export function numberFlag(flags: Record<string, string>, name: string): number | undefined;
export function numberFlag(flags: Record<string, string>, name: string, fallback: number): number;
export function numberFlag(flags: Record<string, string>, name: string, fallback?: number): number | undefined {
  if (flags[name] === undefined) return fallback;
  const value = Number(flags[name]);
  if (!Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got "${flags[name]}"`);
  return value;
}

/** A progress line on stderr, stamped with the time of day. */
export function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}
`);
}

export function parseFlags(args: readonly string[], valued: readonly string[], switches: readonly string[] = []): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const [name, inline] = arg.slice(2).split('=', 2);
    if (switches.includes(name)) { flags[name] = 'true'; continue; }
    if (!valued.includes(name)) throw new UsageError(`unknown option --${name}`);
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    flags[name] = value;
  }
  return flags;
}
