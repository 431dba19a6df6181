/**
 * Command groups with sub-commands (`lifeline user add ...`): each sub-command declares its
 * options and how many positional arguments it takes; `runGroup` parses argv strictly (unknown
 * options are usage errors, exit 2), adds the `--data DIR` and `--store S` every command takes,
 * opens the store and dispatches through the group's handler map (a missing sub-command is a compile
 * error). Refusals from AccountService (ProtocolError) become exit 1 with their message.
 */
import { parseArgs } from 'node:util';
import type * as z from 'zod';
import { ProtocolError } from '../../../protocol/errors';
import { DEFAULT_DATA_DIR } from '../../config';
import { CliError, USAGE_EXIT } from '../cli-error';
import { withAdmin, type Admin } from './admin-context';
import { storeChoiceOrUsage } from './migrate-command';
import { processIo, type CliIo } from './cli-io';

type OptionSpec = { type: 'string' } | { type: 'boolean' };

export interface Parsed {
  positionals: string[];
  string(name: string): string | undefined;
  flag(name: string): boolean;
}

export interface SubCommand {
  /** Usage line after `lifeline <group> `. */
  usage: string;
  /** Positional arguments, exactly. */
  positionals: readonly string[];
  options?: Record<string, OptionSpec>;
  run(args: Parsed, admin: Admin, io: CliIo): Promise<void>;
}

export function runGroup<M extends Record<string, SubCommand>>(group: string, commands: M) {
  const usage = () =>
    Object.values(commands)
      .map((c) => `  lifeline ${group} ${c.usage} [--data DIR] [--store S]`)
      .join('\n');
  return async (argv: string[], io: CliIo = processIo): Promise<number> => {
    const [name, ...rest] = dataFirst(argv);
    if (!name || !Object.hasOwn(commands, name)) {
      const what = name && !name.startsWith('-') ? `unknown sub-command "${name}"` : 'which one?';
      throw new CliError(`${what}\n\nUsage:\n${usage()}`, USAGE_EXIT);
    }
    const command: SubCommand = commands[name]!;
    let parsed;
    try {
      parsed = parseArgs({
        args: rest,
        options: {
          data: { type: 'string', default: DEFAULT_DATA_DIR },
          store: { type: 'string' },
          ...command.options,
        },
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      throw new CliError(
        `${err instanceof Error ? err.message : String(err)}\nUsage: lifeline ${group} ${command.usage}`,
        USAGE_EXIT,
      );
    }
    if (parsed.positionals.length !== command.positionals.length) {
      throw new CliError(
        `expected ${command.positionals.join(' ') || 'no arguments'}\nUsage: lifeline ${group} ${command.usage}`,
        USAGE_EXIT,
      );
    }
    const values: Record<string, unknown> = parsed.values;
    const args: Parsed = {
      positionals: parsed.positionals,
      string: (n) => (typeof values[n] === 'string' ? values[n] : undefined),
      flag: (n) => values[n] === true,
    };
    const store = storeChoiceOrUsage(args.string('store'), args.string('data') ?? DEFAULT_DATA_DIR);
    try {
      await withAdmin(store, io, (admin) => command.run(args, admin, io));
    } catch (err) {
      if (err instanceof ProtocolError) throw new CliError(err.message, 1);
      throw err;
    }
    return 0;
  };
}

/** `lifeline user --data D add ...` works too: leading --data and --store move after the sub-command. */
function dataFirst(argv: string[]): string[] {
  const moved: string[] = [];
  let rest = argv;
  for (;;) {
    const [first, second] = rest;
    if ((first === '--data' || first === '--store') && second !== undefined) {
      moved.push(first, second);
      rest = rest.slice(2);
    } else if (first?.startsWith('--data=') || first?.startsWith('--store=')) {
      moved.push(first);
      rest = rest.slice(1);
    } else return [...rest, ...moved];
  }
}

/** Validates one argument with a protocol schema; a bad value is a usage error naming the argument. */
export function arg<S extends z.ZodType>(schema: S, value: string | undefined, what: string): z.output<S> {
  if (value === undefined) throw new CliError(`${what} is required`, USAGE_EXIT);
  const r = schema.safeParse(value);
  if (!r.success) throw new CliError(`${what}: ${r.error.issues[0]?.message ?? 'invalid'}`, USAGE_EXIT);
  return r.data;
}

/** Left-aligned columns for list output (the widest cell of each column sets its width). */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return (
    rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') +
    '\n'
  );
}
