/**
 * Parents' questions: a parent writes to a teacher of their child (text, voice, photo), the
 * teacher answers that parent only, unanswered ones go to the principal after the school's time.
 */
import type { Capability } from '../core/capability.js';
import { answer, ANSWER, compose, COMPOSE, questionsFeature } from './bot.js';
import { askHome, NAMESPACES, questionsHome } from './buttons.js';
import { questionsCli, teachCli } from './cli.js';
import { questionsQueue } from './jobs.js';

export const questions: Capability = {
  id: 'questions',
  callbackNamespaces: NAMESPACES,
  commands: [
    { command: 'ask', descriptionKey: 'q-cmd-ask', roles: ['parent'] },
    { command: 'questions', descriptionKey: 'q-cmd-questions', roles: ['parent', 'teacher', 'principal'] },
    { command: 'quiet', descriptionKey: 'q-cmd-quiet', roles: ['teacher', 'principal', 'operator'] },
    { command: 'teaches', descriptionKey: 'q-cmd-teaches', roles: ['principal', 'operator'] },
  ],
  homeButtons: [
    { id: 'ask', labelKey: 'q-menu-ask', roles: ['parent'], data: askHome.pack({}) },
    { id: 'questions', labelKey: 'q-menu-questions', roles: ['teacher', 'principal', 'parent'], data: questionsHome.pack({}) },
  ],
  helpLines: [
    { roles: ['parent'], key: 'q-help-parent' },
    { roles: ['teacher'], key: 'q-help-teacher' },
    { roles: ['principal'], key: 'q-help-principal' },
    { roles: ['operator'], key: 'q-help-operator' },
  ],
  flows: [
    { id: COMPOSE, run: compose },
    { id: ANSWER, run: answer },
  ],
  bot: questionsFeature,
  queues: [questionsQueue],
  cli: [teachCli, questionsCli],
};
