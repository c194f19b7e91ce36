/** Capacity planning: how many messages the deployment sends and how many bots it needs (CLI). */
import type { Capability } from '../core/capability.js';
import { capacityCli } from './cli.js';

export const capacity: Capability = {
  id: 'capacity',
  cli: [capacityCli],
};
