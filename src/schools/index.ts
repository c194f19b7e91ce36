/** Schools, provinces and officials: the places every record belongs to (CLI only for now). */
import type { Capability } from '../core/capability.js';
import { officialAddCli, schoolAddCli, schoolBotCli } from './cli.js';

export const schoolsCapability: Capability = {
  id: 'schools',
  cli: [schoolAddCli, officialAddCli, schoolBotCli],
};
