/**
 * Daily attendance: teachers mark their classes (buttons or a typed line), families of absent
 * children are told at once, the office sees the day, reminders go to classes not yet submitted.
 */
import type { Capability } from '../core/capability.js';
import { absenceTextResolver } from './alert-texts.js';
import { attendanceFeature, excuseNote } from './bot.js';
import { attendanceHome, NAMESPACES, todayHome } from './buttons.js';
import { calendarCli } from './cli.js';
import { attendanceQueue } from './jobs.js';

export const attendance: Capability = {
  id: 'attendance',
  callbackNamespaces: NAMESPACES,
  commands: [
    { command: 'attendance', descriptionKey: 'attendance-cmd', roles: ['teacher', 'operator', 'principal'] },
    { command: 'today', descriptionKey: 'attendance-cmd-today', roles: ['operator', 'principal'] },
    { command: 'substitute', descriptionKey: 'attendance-cmd-substitute', roles: ['operator', 'principal'] },
    { command: 'holiday', descriptionKey: 'attendance-cmd-holiday', roles: ['operator', 'principal'] },
  ],
  homeButtons: [
    { id: 'attendance', labelKey: 'attendance-menu', roles: ['teacher', 'operator', 'principal'], data: attendanceHome.pack({}) },
    { id: 'today', labelKey: 'attendance-menu-today', roles: ['operator', 'principal'], data: todayHome.pack({}) },
  ],
  flows: [{ id: 'excuse-note', run: excuseNote }],
  bot: attendanceFeature,
  queues: [attendanceQueue],
  cli: [calendarCli],
  // absence alerts and corrections are written in the submit's one statement, their texts when they go out
  resolvers: (_db, notifier) => absenceTextResolver(notifier),
};
