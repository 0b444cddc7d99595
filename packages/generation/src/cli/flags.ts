// Command-line flags of the package's CLIs: `--name value`, `--name=value` and bare switches.

export class UsageError extends Error {}

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
