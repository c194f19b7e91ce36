/**
 * Scores: subjects (edited by the office with /subjects: typed, or as a workbook) and assessment plans with named rule sets, teachers' score entry (typed list,
 * Mini App sheet, Excel template), results computed in SQL, the office's who-is-behind view with
 * reminders, publishing report cards to families, corrections, class sheets and pass rates.
 */
import { fleetMiniAppBots } from '../core/telegram/fleet.js';
import type { Capability } from '../core/capability.js';
import { createI18n } from '../core/i18n/index.js';
import { scoresFeature, SUBJECTS_FLOW, subjectsFlow } from './bot.js';
import { NAMESPACES, scoresHome } from './buttons.js';
import { scoresCli } from './cli.js';
import { scoresQueue } from './jobs.js';
import { scoresMiniAppRoutes } from './miniapp.js';
import { scoreCardResolver } from './service-cards.js';

let i18n: ReturnType<typeof createI18n> | undefined;
const cardNotifier = () => {
  i18n ??= createI18n('km', () => undefined);
  const bundle = i18n;
  return { t: (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => bundle.t(locale, key, vars), defaultLocale: 'km' as const };
};

export const scores: Capability = {
  id: 'scores',
  callbackNamespaces: NAMESPACES,
  commands: [
    { command: 'scores', descriptionKey: 'scores-cmd-scores', roles: ['principal', 'operator', 'teacher', 'parent'] },
    { command: 'comment', descriptionKey: 'scores-cmd-comment', roles: ['teacher'] },
    { command: 'publish', descriptionKey: 'scores-cmd-publish', roles: ['principal'] },
    { command: 'results', descriptionKey: 'scores-cmd-results', roles: ['principal', 'operator', 'director'] },
    { command: 'subjects', descriptionKey: 'scores-cmd-subjects', roles: ['principal', 'operator'] },
  ],
  homeButtons: [{ id: 'scores', labelKey: 'scores-menu', roles: ['principal', 'operator', 'teacher', 'parent'], data: scoresHome.pack({}) }],
  helpLines: [
    { roles: ['principal', 'operator'], key: 'scores-help-office' },
    { roles: ['teacher'], key: 'scores-help-teacher' },
    { roles: ['parent'], key: 'scores-help-parent' },
    { roles: ['director'], key: 'scores-help-director' },
    { roles: ['principal', 'operator'], key: 'scores-help-subjects' },
  ],
  flows: [{ id: SUBJECTS_FLOW, run: subjectsFlow }],
  bot: scoresFeature,
  queues: [scoresQueue],
  resolvers: (db) => scoreCardResolver(db, cardNotifier()),
  http: ({ deps, config }) => (config.WEBAPP_URL ? scoresMiniAppRoutes(deps, fleetMiniAppBots(deps.database.db, config), new URL(config.WEBAPP_URL).pathname) : []),
  cli: scoresCli,
};
