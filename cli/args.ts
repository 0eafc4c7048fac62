import { closest } from '../generators/contract/diagnostic';

/** A command's flags: the value kind of each `--flag`. */
export type FlagSpec = Readonly<Record<string, 'string' | 'boolean'>>;

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly flags: Readonly<Record<string, string | boolean | undefined>>;
}

export class UsageError extends Error {}

/** `--flag value`, `--flag=value`, boolean `--flag`, `--` ends flags. Unknown flags are usage errors with a hint. */
export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '-') {
      if (a.startsWith('-') && a !== '-' && !/^-[0-9]/.test(a)) throw new UsageError(`unknown option \`${a}\`; options are spelt --name`);
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const kind = spec[name];
    if (!kind) {
      const near = closest(name, Object.keys(spec));
      throw new UsageError(`unknown option \`--${name}\`${near ? ` (did you mean \`--${near}\`?)` : ''}`);
    }
    if (kind === 'boolean') {
      if (eq > 0) throw new UsageError(`\`--${name}\` takes no value`);
      flags[name] = true;
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`\`--${name}\` needs a value`);
    flags[name] = value;
  }
  return { positionals, flags };
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function booleanFlag(args: ParsedArgs, name: string): boolean {
  return args.flags[name] === true;
}

/** `--engine`, one of `allowed` (the first is the default). */
export function engineFlag<E extends string>(args: ParsedArgs, allowed: readonly [E, ...E[]]): E {
  const engine = stringFlag(args, 'engine') ?? allowed[0];
  if (!(allowed as readonly string[]).includes(engine)) throw new UsageError(`unknown engine \`${engine}\`; engines are ${allowed.slice(0, -1).join(', ')} and ${allowed[allowed.length - 1]}`);
  return engine as E;
}
