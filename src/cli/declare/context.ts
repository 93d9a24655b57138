/** What every command group is given to declare its commands, and the option parsers they share. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type * as O from '../options.js';
import type { COMMAND_NAMES, Handlers } from '../program.js';

export interface CliContext {
  /** The root command: groups add their commands to it. */
  readonly cli: Command;
  readonly handlers: Handlers;
  /** Whether this top-level command is declared in this run (only the one argv runs, when that is certain). */
  wanted(name: (typeof COMMAND_NAMES)[number]): boolean;
  /** The program directory (-C). */
  dir(): string;
  /** The directory, and the server and program when given. */
  where(): O.DirOptions;
  /** Run a handler; its exit code goes to the CLI's caller. */
  run(work: Promise<number>): Promise<void>;
  /** Add the options every recording command takes (--as, --key, --at, --max-clock-skew). */
  recording(cmd: Command): Command;
  /** The recording options of a parsed command. */
  rec(o: Record<string, unknown>): O.RecordingOptions;
  /** `{ key: value }`, or nothing when the value is undefined (optional properties stay absent). */
  opt<K extends string, V>(key: K, value: V | undefined): Record<K, V> | Record<string, never>;
}

/** For a repeatable option: every value, in order. */
export const collect = (value: string, previous: string[]) => [...previous, value];

export const formatOption = () => new Option('--format <format>', 'github: also print ::error annotations for GitHub Actions').choices(['text', 'github']).default('text');

export const positiveInt = (flag: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} expects a whole number of 1 or more.`);
  return n;
};

export const nonNegativeInt = (flag: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`${flag} expects a whole number from 0 to 65535.`);
  return n;
};
