/**
 * Standard exports for the ministry: OneRoster 1.2 CSV and Ed-Fi-shaped attendance, streamed
 * (never a whole scope in memory), per school, province or nation. CLI for now (`export …`).
 */
import type { Capability } from '../core/capability.js';
import { exportsCli } from './cli.js';

export const exportsCapability: Capability = {
  id: 'exports',
  cli: exportsCli,
};
