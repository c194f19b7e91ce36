/**
 * Parents' questions: a parent writes to a teacher of their child (text, voice, photo), the
 * teacher answers that parent only, unanswered ones go to the principal after the school's time.
 */
import type { Capability } from '../core/capability.js';
import { answer, ANSWER, compose, COMPOSE, questionsFeature } from './bot.js';
import { loose, LOOSE } from './bot-loose.js';
import { askHome, NAMESPACES, questionsHome } from './buttons.js';
import { questionsCli, teachCli } from './cli.js';
import { questionsQueue } from './jobs.js';

export const questions: Capability = {
  id: 'questions',
  callbackNamespaces: NAMESPACES,
  commands: [
    { command: 'ask', descriptionKey: 'questions-cmd-ask', roles: ['parent'] },
    { command: 'questions', descriptionKey: 'questions-cmd-questions', roles: ['parent', 'teacher', 'principal'] },
    { command: 'quiet', descriptionKey: 'questions-cmd-quiet', roles: ['teacher', 'principal', 'operator'] },
    { command: 'teaches', descriptionKey: 'questions-cmd-teaches', roles: ['principal', 'operator'] },
  ],
  homeButtons: [
    { id: 'ask', labelKey: 'questions-menu-ask', roles: ['parent'], data: askHome.pack({}) },
    { id: 'questions', labelKey: 'questions-menu-questions', roles: ['teacher', 'principal', 'parent'], data: questionsHome.pack({}) },
  ],
  helpLines: [
    { roles: ['parent'], key: 'questions-help-parent' },
    { roles: ['teacher'], key: 'questions-help-teacher' },
    { roles: ['principal'], key: 'questions-help-principal' },
    { roles: ['operator'], key: 'questions-help-operator' },
  ],
  flows: [
    { id: COMPOSE, run: compose },
    { id: ANSWER, run: answer },
    { id: LOOSE, run: loose },
  ],
  bot: questionsFeature,
  queues: [questionsQueue],
  cli: [teachCli, questionsCli],
};
