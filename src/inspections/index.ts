/**
 * Inspections: cleanliness checklists (default, or a province's or school's own), inspections of a
 * class room or the whole school in one message of buttons with a photo per failing item, tasks
 * for the office with due dates and daily reminders until closed with a photo, the monthly class
 * ranking and score by month (text and chart), the province's scores with the schools needing a
 * visit, and /checklist to edit a school's or a province's list with a preview and Confirm.
 */
import type { Capability } from '../core/capability.js';
import { CHECKLIST_FLOW, checklistFlow, CLOSE_FLOW, closeFlow, INSPECT_FLOW, inspectFlow, inspectionsFeature } from './bot.js';
import { inspectHome, NAMESPACES } from './buttons.js';
import { inspectionsCli } from './cli.js';
import { inspectionsQueue } from './jobs.js';

export const inspections: Capability = {
  id: 'inspections',
  callbackNamespaces: NAMESPACES,
  commands: [
    { command: 'inspect', descriptionKey: 'inspections-cmd-inspect', roles: ['director', 'principal', 'teacher'] },
    { command: 'clean', descriptionKey: 'inspections-cmd-clean', roles: ['director', 'principal', 'operator'] },
    { command: 'checklist', descriptionKey: 'inspections-cmd-checklist', roles: ['director', 'principal', 'operator'] },
  ],
  homeButtons: [{ id: 'inspect', labelKey: 'inspections-menu-inspect', roles: ['principal', 'teacher'], data: inspectHome.pack({}) }],
  helpLines: [
    { roles: ['principal', 'operator'], key: 'inspections-help-office' },
    { roles: ['teacher'], key: 'inspections-help-teacher' },
    { roles: ['director'], key: 'inspections-help-director' },
    { roles: ['director', 'principal', 'operator'], key: 'inspections-help-checklist' },
  ],
  flows: [
    { id: INSPECT_FLOW, run: inspectFlow },
    { id: CLOSE_FLOW, run: closeFlow },
    { id: CHECKLIST_FLOW, run: checklistFlow },
  ],
  bot: inspectionsFeature,
  queues: [inspectionsQueue],
  cli: inspectionsCli,
};
