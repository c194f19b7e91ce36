/**
 * Admin CLI for the server: `npm run cli -- <command> ...`. The commands are the capabilities'
 * (src/capabilities.ts), each calling the same services the bot calls. Exit code 0 on success, 1
 * when the input was refused (with every reason), 2 on wrong usage (with the command's usage).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigWithoutBot } from '../config.js';
import { CAPABILITIES } from '../capabilities.js';
import { createNotifier, openAppDatabase, syncSchoolSchedulers } from '../app.js';
import type { Database } from '../core/db/client.js';
import { isLocale } from '../core/i18n/index.js';
import { CliUsageError, type CliCommand, type CliContext, type CliOut } from '../core/cli.js';

const migrateCli: CliCommand = {
  name: 'migrate',
  usage: '',
  summary: 'apply database migrations',
  run: async (ctx) => {
    ctx.out.line('Migrations applied.');
    return true;
  },
};

export const COMMANDS: readonly CliCommand[] = [migrateCli, ...CAPABILITIES.flatMap((c) => c.cli ?? [])];

const COMMON_OPTIONS = { lang: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

function usageOf(cmd: CliCommand): string {
  const head = `  ${cmd.name}${cmd.usage ? ` ${cmd.usage}` : ''}`;
  const summary = cmd.summary
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
  return `${head}\n${summary}`;
}

export function usage(): string {
  return [
    'Usage: npm run cli -- <command> [options]',
    '',
    ...COMMANDS.map(usageOf),
    '',
    'Options for every command: --lang km|en (language of messages; default DEFAULT_LOCALE), --help',
    'Database: DATABASE_URL, or embedded PGlite in PGLITE_DIR when unset (stop the bot first).',
  ].join('\n');
}

/** The command named by the first one or two words, and the words after it. */
function findCommand(words: string[]): { cmd: CliCommand; rest: string[] } | null {
  for (const n of [2, 1]) {
    const name = words.slice(0, n).join(' ');
    const cmd = COMMANDS.find((c) => c.name === name);
    if (cmd && words.length >= n) return { cmd, rest: words.slice(n) };
  }
  return null;
}

export async function runCli(argv: string[], env: Record<string, string | undefined>, out: CliOut): Promise<number> {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  if (words.length === 0) {
    out.line(usage());
    return argv.includes('--help') || argv.includes('-h') ? 0 : 2;
  }
  const found = findCommand(words);
  if (!found) {
    out.error(`Error: unknown command "${words.slice(0, 2).join(' ')}"`);
    out.error('Run `npm run cli -- --help` for usage.');
    return 2;
  }
  const { cmd } = found;
  const wrongUsage = (message: string) => {
    out.error(`Error: ${message}`);
    out.error(`Usage: npm run cli --\n${usageOf(cmd)}`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.slice(cmd.name.split(' ').length),
      allowPositionals: true,
      strict: true,
      options: { ...COMMON_OPTIONS, ...(cmd.options ?? {}) },
    });
  } catch (err) {
    // node:util's messages name the option ("Unknown option '--x'"); no stack trace for a typo.
    return wrongUsage((err as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, ''));
  }
  if (parsed.values.help) {
    out.line(`Usage: npm run cli --\n${usageOf(cmd)}`);
    return 0;
  }
  if (parsed.positionals.length > 0 && !cmd.positionals) return wrongUsage(`unexpected argument "${parsed.positionals[0]}"`);
  let database: Database | undefined;
  try {
    const config = loadConfigWithoutBot(env);
    const locale = (parsed.values.lang as string | undefined) ?? config.DEFAULT_LOCALE;
    if (!isLocale(locale)) return wrongUsage('--lang must be km or en');
    database = await openAppDatabase(config);
    const db = database;
    const ctx: CliContext = {
      config,
      env,
      database,
      notifier: createNotifier(config),
      locale,
      out,
      syncSchool: (schoolId) => syncSchoolSchedulers(config, db.db, schoolId),
    };
    const ok = await cmd.run(ctx, { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals });
    return ok ? 0 : 1;
  } catch (err) {
    if (err instanceof CliUsageError) return wrongUsage(err.message);
    if (err instanceof ConfigError) {
      out.error(err.message);
      return 2;
    }
    throw err;
  } finally {
    await database?.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runCli(process.argv.slice(2), process.env, { line: (s = '') => console.log(s), error: (s) => console.error(s) })
    .then((code) => process.exit(code))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
