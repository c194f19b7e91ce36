/**
 * Academic records, signed: versions of each student's record built from the school's results,
 * signed by subject teachers, confirmed by the homeroom teacher, signed by the principal for the
 * whole school in one step with the school's institution signature, then locked; certified copies
 * with a verification code; public verification at /verify/<code> and /keys; offline checks and
 * transfers from the CLI.
 */
import type { Capability } from '../core/capability.js';
import { recordsFeature } from './bot.js';
import { NAMESPACES } from './buttons.js';
import { recordsCli } from './cli.js';
import { recordsRoutes } from './http.js';

export const records: Capability = {
  id: 'records',
  callbackNamespaces: NAMESPACES,
  commands: [
    { command: 'sign', descriptionKey: 'records-cmd-sign', roles: ['principal', 'teacher'] },
    { command: 'verify', descriptionKey: 'records-cmd-verify', roles: 'everyone' },
  ],
  helpLines: [
    { roles: ['principal'], key: 'records-help-principal' },
    { roles: ['teacher'], key: 'records-help-teacher' },
  ],
  bot: recordsFeature,
  cli: recordsCli,
  http: ({ deps }) => recordsRoutes(deps),
};
