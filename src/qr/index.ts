/**
 * QR student cards and gate scanning: printable cards whose code opens the bot, scans by camera
 * link, photo or the gate-scanner Mini App, arrival notices to families, and the cutoff that
 * proposes the unscanned as absent.
 */
import { fleetMiniAppBots } from '../core/telegram/fleet.js';
import { Composer } from 'grammy';
import type { Capability } from '../core/capability.js';
import type { BotContext } from '../core/telegram/context.js';
import { qrCardsFeature } from './bot.js';
import { cardsHome, NAMESPACES, scanHome } from './buttons.js';
import { cardsCli, scanningCli } from './cli.js';
import { cardsQueue } from './card-jobs.js';
import { warmUpDecoder } from './decode.js';
import { safeError } from '../core/logger.js';
import { cardFileResolver } from './files.js';
import { arrivalDigestResolver } from './arrival-digest.js';
import { composeResolvers } from '../core/queue/sender.js';
import { miniAppRoutes } from './miniapp.js';
import { cardDeepLink, scanFeature } from './scan-bot.js';
import { scansQueue } from './scan-jobs.js';
import { SCANNING_ROLES } from './scan.js';
import { OFFICE_ROLES, type AppRole } from '../core/auth/roles.js';

/** Who prints cards: the office for the whole school, homeroom teachers for their classes. */
const CARD_ROLES: readonly AppRole[] = [...OFFICE_ROLES, 'teacher'];

export const qr: Capability = {
  id: 'qr',
  callbackNamespaces: NAMESPACES,
  helpLines: [{ roles: ['parent'], key: 'qr-help-parent' }],
  commands: [
    { command: 'cards', descriptionKey: 'qr-cmd-cards', roles: CARD_ROLES },
    { command: 'card', descriptionKey: 'qr-cmd-card', roles: CARD_ROLES },
    { command: 'scan', descriptionKey: 'qr-cmd-scan', roles: SCANNING_ROLES },
    { command: 'notices', descriptionKey: 'qr-cmd-notices', roles: ['parent'] },
    { command: 'scanning', descriptionKey: 'qr-cmd-scanning', roles: OFFICE_ROLES },
  ],
  homeButtons: [
    { id: 'cards', labelKey: 'qr-menu-cards', roles: CARD_ROLES, data: cardsHome.pack({}) },
    { id: 'scan', labelKey: 'qr-menu-scan', roles: ['gatekeeper'], data: scanHome.pack({}) },
  ],
  deepLink: cardDeepLink,
  bot: (deps) => {
    // The QR decoder compiles its WebAssembly once; start now, not on the first photo of a card.
    void warmUpDecoder().catch((err) => deps.log.warn({ err: safeError(err) }, 'QR decoder warm-up failed'));
    return new Composer<BotContext>(qrCardsFeature(deps), scanFeature(deps));
  },
  queues: [scansQueue, cardsQueue],
  resolvers: (db, notifier) => composeResolvers(cardFileResolver(db), arrivalDigestResolver(db, notifier)),
  cli: [scanningCli, cardsCli],
  // The gate-scanner Mini App, where this deployment serves one (WEBAPP_URL).
  http: ({ deps, config }) => (config.WEBAPP_URL ? miniAppRoutes(deps, fleetMiniAppBots(deps.database.db, config), new URL(config.WEBAPP_URL).pathname, { maxAgeSeconds: config.WEBAPP_INITDATA_MAX_AGE_SECONDS }) : []),
};
