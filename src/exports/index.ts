/**
 * Standard exports for the ministry: OneRoster 1.2 CSV (rostering, and gradebook files from the
 * scores) and Ed-Fi-shaped attendance, streamed (never a whole scope in memory), per school,
 * province or nation: from the CLI (`export …`) and, for officials, /export in the chat (the
 * worker makes the file; over Telegram's 50 MB a signed, expiring link on the HTTP server).
 */
import type { Capability } from '../core/capability.js';
import { exportsFeature } from './bot.js';
import { NAMESPACES } from './buttons.js';
import { exportsCli } from './cli.js';
import { exportDownloadRoute, exportFileResolver } from './files.js';
import { exportsQueue } from './jobs.js';

export const exportsCapability: Capability = {
  id: 'exports',
  callbackNamespaces: NAMESPACES,
  commands: [{ command: 'export', descriptionKey: 'exports-cmd', roles: ['director', 'principal'] }],
  helpLines: [{ roles: ['director'], key: 'exports-help' }],
  bot: exportsFeature,
  queues: [exportsQueue],
  resolvers: exportFileResolver,
  http: ({ deps, config }) => [exportDownloadRoute(deps.database, config)],
  cli: exportsCli,
};
