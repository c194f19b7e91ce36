/**
 * The national school registry: Cambodia's provinces as data, the ministry's school list imported
 * from the CLI (so schools exist before they adopt the system), and adoption per province in the
 * officials' roll-up (reports/rollup.ts).
 */
import type { Capability } from '../core/capability.js';
import { registryCli } from './cli.js';

export const registry: Capability = {
  id: 'registry',
  cli: registryCli,
};
