/**
 * Announcements: /announce to the school, grades, classes, staff or parents (text, photo, voice,
 * video, document), into class groups where a class has one, now or later, with a delivery report.
 */
import type { Capability } from '../core/capability.js';
import { acceptsGroupUpdate, announcementsFeature } from './bot.js';
import { announceFlow, FLOW } from './bot-flow.js';
import { announceHome, NAMESPACES } from './buttons.js';
import { announcementsQueue, reportNudger } from './jobs.js';

export const announcements: Capability = {
  id: 'announcements',
  callbackNamespaces: NAMESPACES,
  commands: [{ command: 'announce', descriptionKey: 'announcements-cmd', roles: ['principal', 'operator', 'teacher'] }],
  homeButtons: [{ id: 'announce', labelKey: 'announcements-menu', roles: ['principal', 'operator', 'teacher'], data: announceHome.pack({}) }],
  helpLines: [{ roles: ['principal', 'operator', 'teacher'], key: 'announcements-help' }],
  groupUpdates: acceptsGroupUpdate,
  flows: [{ id: FLOW, run: announceFlow }],
  bot: announcementsFeature,
  queues: [announcementsQueue],
  // Each message sent may be an announcement's last: check for finished ones soon (debounced).
  worker: (ctx) => reportNudger(ctx),
};
