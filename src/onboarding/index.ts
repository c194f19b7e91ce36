/**
 * Onboarding: greeting and language, linking by phone or invite code, /whoami, /help, /unlink,
 * the home menu, and the last word on whatever no other capability claimed.
 */
import type { Capability } from '../core/capability.js';
import { enterCode, CODE_CONVERSATION, fallbackFeature, onboardingFeature } from './bot.js';
import { NAMESPACES } from './buttons.js';
import { inviteCli } from './cli.js';

export const onboarding: Capability = {
  id: 'onboarding',
  callbackNamespaces: NAMESPACES,
  commands: [
    { command: 'start', descriptionKey: 'onboarding-cmd-start', roles: 'everyone' },
    { command: 'menu', descriptionKey: 'onboarding-cmd-menu', roles: 'everyone' },
    { command: 'whoami', descriptionKey: 'onboarding-cmd-whoami', roles: 'everyone' },
    { command: 'language', descriptionKey: 'onboarding-cmd-language', roles: 'everyone' },
    { command: 'help', descriptionKey: 'onboarding-cmd-help', roles: 'everyone' },
    { command: 'unlink', descriptionKey: 'onboarding-cmd-unlink', roles: ['director', 'principal', 'operator', 'teacher', 'parent'] },
    { command: 'invite', descriptionKey: 'onboarding-cmd-invite', roles: ['principal', 'operator', 'teacher'] },
  ],
  flows: [{ id: CODE_CONVERSATION, run: enterCode }],
  bot: onboardingFeature,
  fallback: fallbackFeature,
  cli: [inviteCli],
};
