/**
 * Onboarding: greeting and language, linking by phone or invite code, /whoami, /help, /unlink,
 * the home menu, and the last word on whatever no other capability claimed.
 */
import type { Capability } from '../core/capability.js';
import { ROLE_ORDER, ROLES, STAFF_ROLES } from '../core/auth/roles.js';
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
    // anyone linked to a record can take the link back
    { command: 'unlink', descriptionKey: 'onboarding-cmd-unlink', roles: ROLE_ORDER },
    // the roles that may invite someone (the role table's mayInvite)
    { command: 'invite', descriptionKey: 'onboarding-cmd-invite', roles: STAFF_ROLES.filter((r) => ROLES[r].mayInvite.length > 0) },
  ],
  flows: [{ id: CODE_CONVERSATION, run: enterCode }],
  bot: onboardingFeature,
  fallback: fallbackFeature,
  cli: [inviteCli],
};
