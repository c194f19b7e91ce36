/**
 * Competitions: events (name, subject or sport, level, day) and results (student or team, rank,
 * medal, score) entered by the office or the team's teacher; the families of those placed are
 * told; a yearly table by level and sex for the school and the province.
 */
import type { Capability } from '../core/capability.js';
import { competitionsFeature, EVENT_FLOW, eventFlow } from './bot.js';
import { NAMESPACES } from './buttons.js';

export const competitions: Capability = {
  id: 'competitions',
  callbackNamespaces: NAMESPACES,
  commands: [
    { command: 'competition', descriptionKey: 'competitions-cmd-competition', roles: ['principal', 'operator', 'teacher'] },
    { command: 'competitions', descriptionKey: 'competitions-cmd-competitions', roles: ['director', 'principal', 'operator'] },
  ],
  helpLines: [
    { roles: ['principal', 'operator', 'teacher'], key: 'competitions-help-school' },
    { roles: ['director'], key: 'competitions-help-director' },
  ],
  flows: [{ id: EVENT_FLOW, run: eventFlow }],
  bot: competitionsFeature,
};
