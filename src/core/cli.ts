/**
 * The shape of an admin CLI command (`npm run cli -- <name> …`). Capabilities list theirs in their
 * descriptor; src/cli/main.ts finds the command, parses exactly its options (an unknown one is a
 * usage error that prints the command's usage) and runs it. Commands call the same services the
 * bot calls.
 */
import type { Config } from '../config.js';
import type { Database } from './db/client.js';
import type { Notifier } from './i18n/index.js';
import type { Locale } from './db/schema.js';

export interface CliOut {
  line(s?: string): void;
  error(s: string): void;
}

export interface CliContext {
  config: Config;
  /** the process environment the CLI was started with (BOT_TOKEN for card keys, …) */
  env: Record<string, string | undefined>;
  database: Database;
  notifier: Notifier;
  locale: Locale;
  out: CliOut;
  /** re-syncs every capability's job schedulers of one school; false when Redis is unreachable */
  syncSchool(schoolId: number): Promise<boolean>;
}

export interface CliOption {
  type: 'string' | 'boolean';
  short?: string;
}

export interface CliCommand {
  /** one or two words: `migrate`, `roster import` */
  name: string;
  /** the usage line(s) after the name, e.g. `--school CODE FILE.csv|FILE.xlsx` */
  usage: string;
  /** what it does, one line or a few (shown under the usage) */
  summary: string;
  options?: Readonly<Record<string, CliOption>>;
  /** whether it takes positional arguments after its name (a file) */
  positionals?: boolean;
  /** false when the input was refused (exit code 1); throw CliUsageError for wrong usage (2) */
  run(ctx: CliContext, args: { values: Record<string, string | boolean | undefined>; positionals: string[] }): Promise<boolean>;
}

/** Wrong usage: the CLI prints the message and the command's usage, exit code 2. */
export class CliUsageError extends Error {}

/** A required string option, or a usage error naming it. */
export function requireOption(values: Record<string, string | boolean | undefined>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw new CliUsageError(`--${name} is required`);
  return v;
}
