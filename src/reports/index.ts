/**
 * Reports: the day's and month's attendance per school, class and student (chart + workbook),
 * made in the worker and kept with Telegram's file ids; the officials' roll-up across schools.
 */
import type { Capability } from '../core/capability.js';
import { reportsFeature } from './bot.js';
import { NAMESPACES, reportHome } from './buttons.js';
import { reportsQueue } from './jobs.js';
import { reportFileResolver } from './service.js';

export const reports: Capability = {
  id: 'reports',
  callbackNamespaces: NAMESPACES,
  helpLines: [{ roles: ['parent'], key: 'reports-help-parent' }],
  commands: [
    { command: 'report', descriptionKey: 'reports-cmd', roles: ['director', 'principal', 'operator', 'teacher', 'parent'] },
    { command: 'student', descriptionKey: 'reports-cmd-student', roles: ['principal', 'operator', 'teacher'] },
  ],
  homeButtons: [{ id: 'report', labelKey: 'reports-menu', roles: ['director', 'principal', 'operator', 'teacher', 'parent'], data: reportHome.pack({}) }],
  bot: reportsFeature,
  queues: [reportsQueue],
  resolvers: reportFileResolver,
};
