/**
 * Teaching: the timetable (imported from the school's Excel grid, checked for clashes and the
 * weekly cap, shown as a picture), the lesson book (one message per teacher at the end of each
 * shift, one tap confirms; only confirmed lessons count), closed weeks, leave with cover by free
 * teachers, and the teaching hours actually delivered (school, teacher, province).
 */
import type { Capability } from '../core/capability.js';
import { IMPORT_FLOW, importFlow, LEAVE_FLOW, leaveFlow, teachingFeature, TOPIC_FLOW, topicFlow } from './bot.js';
import { hoursHome, leaveHome, NAMESPACES, timetableHome } from './buttons.js';
import { teachingCli } from './cli.js';
import { hoursFileResolver } from './hours-service.js';
import { teachingQueue } from './jobs.js';

export const teaching: Capability = {
  id: 'teaching',
  callbackNamespaces: NAMESPACES,
  commands: [
    { command: 'timetable', descriptionKey: 'teaching-cmd-timetable', roles: ['principal', 'operator', 'teacher', 'parent'] },
    { command: 'lessons', descriptionKey: 'teaching-cmd-lessons', roles: ['principal', 'teacher'] },
    { command: 'week', descriptionKey: 'teaching-cmd-week', roles: ['principal', 'teacher'] },
    { command: 'leave', descriptionKey: 'teaching-cmd-leave', roles: ['principal', 'operator', 'teacher', 'gatekeeper'] },
    { command: 'cover', descriptionKey: 'teaching-cmd-cover', roles: ['principal', 'operator'] },
    { command: 'hours', descriptionKey: 'teaching-cmd-hours', roles: ['director', 'principal', 'operator', 'teacher'] },
  ],
  homeButtons: [
    { id: 'timetable', labelKey: 'teaching-menu-timetable', roles: ['principal', 'operator', 'teacher', 'parent'], data: timetableHome.pack({}) },
    { id: 'leave', labelKey: 'teaching-menu-leave', roles: ['principal', 'operator', 'teacher', 'gatekeeper'], data: leaveHome.pack({}) },
    { id: 'hours', labelKey: 'teaching-menu-hours', roles: ['director', 'principal', 'operator', 'teacher'], data: hoursHome.pack({}) },
  ],
  helpLines: [
    { roles: ['principal'], key: 'teaching-help-principal' },
    { roles: ['operator'], key: 'teaching-help-operator' },
    { roles: ['teacher'], key: 'teaching-help-teacher' },
    { roles: ['parent'], key: 'teaching-help-parent' },
    { roles: ['director'], key: 'teaching-help-director' },
  ],
  flows: [
    { id: IMPORT_FLOW, run: importFlow },
    { id: TOPIC_FLOW, run: topicFlow },
    { id: LEAVE_FLOW, run: leaveFlow },
  ],
  bot: teachingFeature,
  queues: [teachingQueue],
  resolvers: hoursFileResolver,
  cli: teachingCli,
};
