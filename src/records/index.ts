/**
 * Academic records, signed: versions of each student's record built from the school's results,
 * signed by subject teachers, confirmed by the homeroom teacher, signed by the principal for the
 * whole school in one step with the school's institution signature, then locked; certified copies
 * with a verification code; public verification at /verify/<code> and /keys; offline checks and
 * transfers from the CLI. Records are built from what the scores capability published
 * (source-scores.ts); the office issues certified copies, unlocks and revokes, and sets the
 * students' identification codes (bot-office.ts).
 */
import type { Capability } from '../core/capability.js';
import { createI18n } from '../core/i18n/index.js';
import { recordsFeature } from './bot.js';
import { NAMESPACES } from './buttons.js';
import { recordsCli } from './cli.js';
import { recordsQueue } from './jobs.js';
import { recordsRoutes } from './http.js';
import { recordCopyResolver } from './service-delivery.js';

let i18n: ReturnType<typeof createI18n> | undefined;
/** The sender draws copies in the recipient's language (the resolver has no bot context). */
const copyNotifier = () => {
  i18n ??= createI18n('km', () => undefined);
  const bundle = i18n;
  return { t: (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => bundle.t(locale, key, vars), defaultLocale: 'km' as const };
};

export const records: Capability = {
  id: 'records',
  callbackNamespaces: NAMESPACES,
  commands: [
    { command: 'sign', descriptionKey: 'records-cmd-sign', roles: ['principal', 'teacher'] },
    { command: 'verify', descriptionKey: 'records-cmd-verify', roles: 'everyone' },
    { command: 'copy', descriptionKey: 'records-cmd-copy', roles: ['principal', 'operator'] },
    { command: 'unlock', descriptionKey: 'records-cmd-unlock', roles: ['principal'] },
    { command: 'revoke', descriptionKey: 'records-cmd-revoke', roles: ['principal'] },
    { command: 'idcode', descriptionKey: 'records-cmd-idcode', roles: ['principal', 'operator'] },
  ],
  helpLines: [
    { roles: ['principal'], key: 'records-help-principal' },
    { roles: ['teacher'], key: 'records-help-teacher' },
    { roles: ['principal', 'operator'], key: 'records-help-office' },
  ],
  bot: recordsFeature,
  resolvers: (db, _notifier, config) => recordCopyResolver(db, copyNotifier(), { dir: config?.RECORDS_P12_DIR, passphrase: config?.RECORDS_P12_PASSPHRASE }),
  cli: recordsCli,
  // term results published: the class's subject and homeroom teachers are told their records wait
  queues: [recordsQueue],
  http: ({ deps }) => recordsRoutes(deps),
};
