/** Rosters: the student and staff lists a school already keeps, imported all-or-nothing (CLI for now). */
import type { Capability } from '../core/capability.js';
import { demoCli, rosterImportCli, staffImportCli } from './cli.js';

export const roster: Capability = {
  id: 'roster',
  cli: [rosterImportCli, staffImportCli, demoCli],
};
