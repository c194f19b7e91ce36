/**
 * Staffing: the staff records a school keeps beyond the roster (position, date of birth,
 * qualification and teacher-training level, employment, start date, status), by bot and Excel;
 * /staff for the office (by position and sex, who is on leave today) and counts for the province
 * and the nation. Leave records live here; the teaching capability runs leave and cover.
 */
import type { Capability } from '../core/capability.js';
import { RECORDS_IMPORT_FLOW, recordsImportFlow, staffingFeature } from './bot.js';
import { NAMESPACES, staffHome } from './buttons.js';
import { staffingCli } from './cli.js';

export const staffing: Capability = {
  id: 'staffing',
  callbackNamespaces: NAMESPACES,
  commands: [{ command: 'staff', descriptionKey: 'staffing-cmd-staff', roles: ['principal', 'operator', 'director'] }],
  homeButtons: [{ id: 'staff', labelKey: 'staffing-menu-staff', roles: ['principal', 'operator'], data: staffHome.pack({}) }],
  helpLines: [
    { roles: ['principal', 'operator'], key: 'staffing-help-office' },
    { roles: ['director'], key: 'staffing-help-director' },
  ],
  flows: [{ id: RECORDS_IMPORT_FLOW, run: recordsImportFlow }],
  bot: staffingFeature,
  cli: staffingCli,
};
