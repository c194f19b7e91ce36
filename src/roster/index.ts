/**
 * Rosters: the student and staff lists a school already keeps, imported all-or-nothing — from the
 * CLI, or sent to the bot by the office and imported on Confirm after a summary of the changes.
 */
import type { Capability } from '../core/capability.js';
import { rosterFeature } from './bot.js';
import { NAMESPACES } from './buttons.js';
import { demoCli, rosterImportCli, staffImportCli } from './cli.js';

export const roster: Capability = {
  id: 'roster',
  callbackNamespaces: NAMESPACES,
  helpLines: [{ roles: ['principal', 'operator'], key: 'roster-help-office' }],
  bot: rosterFeature,
  cli: [rosterImportCli, staffImportCli, demoCli],
};
