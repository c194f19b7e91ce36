/**
 * Lifecycle: what happens over a school year as people and links change. Students leave or move
 * (status, kept history), staff are deactivated (roles, homerooms, substitutions, link end), the
 * office lists and removes a child's guardian links. The roster import calls service-leaving.ts;
 * the outbox sender re-checks every recipient (core/queue/entitlement.ts).
 */
import type { Capability } from '../core/capability.js';
import { lifecycleFeature } from './bot.js';
import { NAMESPACES } from './buttons.js';
import { retentionCli, retentionQueue } from './retention.js';

export const lifecycle: Capability = {
  id: 'lifecycle',
  callbackNamespaces: NAMESPACES,
  commands: [
    { command: 'guardians', descriptionKey: 'lifecycle-cmd-guardians', roles: ['principal', 'operator'] },
    { command: 'privacy', descriptionKey: 'lifecycle-cmd-privacy', roles: ['parent'] },
  ],
  helpLines: [
    { roles: ['principal', 'operator'], key: 'lifecycle-help-office' },
    { roles: ['parent'], key: 'lifecycle-help-parent' },
  ],
  bot: lifecycleFeature,
  queues: [retentionQueue],
  cli: [retentionCli],
};
