import type { Context } from 'grammy';
import type { ConversationFlavor } from '@grammyjs/conversations';
import type { I18nFlavor } from '@grammyjs/i18n';
import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Locale } from '../db/schema.js';
import type { Now } from '../clock.js';
import type { Notifier } from '../i18n/index.js';
import type { JobAdder } from '../queue/jobs.js';
import type { Catalog } from './commands.js';

/** What every feature gets from the app: built once in createBot, never global. */
export interface AppDeps {
  database: Database;
  log: Logger;
  defaultLocale: Locale;
  botUsername?: string;
  /** Tell the outbox relay that new rows are waiting (no-op when the relay runs elsewhere). */
  kickOutbox: () => void;
  /** Renders texts for other people (outbox messages) in their language. */
  notifier: Notifier;
  /** The clock; tests pin it. */
  now: Now;
  /** Hands work (reports) to the worker process. */
  jobs: Pick<JobAdder, 'add'>;
  /** Signs and checks student card tokens (QR); the same in every process of a deployment. */
  cardSecret: Buffer;
  /** Seals and opens academic records' signing keys (records/signer.ts); never logged. */
  recordsKey: Buffer;
  /** Public https address of the gate-scanner Mini App, when this deployment serves it. */
  webAppUrl?: string;
  /** Public address of this deployment's HTTP server (links printed on paper, e.g. /verify). */
  publicUrl?: string;
  /** How long a family with several children in a shift waits for the others' arrival (ARRIVAL_DIGEST_SECONDS) */
  arrivalDigestSeconds?: number;
  /** Stars a day urgent announcements may spend on paid broadcast (PAID_BROADCAST_STARS_PER_DAY; 0: never) */
  paidBroadcastStarsPerDay?: number;
  /** Set (by createBot) for a fleet bot other than the default one: what it keeps per chat is its own. */
  fleetBotId?: number;
}

interface Extras {
  deps: AppDeps;
  log: Logger;
  /** Loaded for every update that has a sender, before any feature runs. */
  actor: Actor;
  /** The reader's language: every text, number and date of this update follows it. */
  locale: Locale;
  /** What the capability list offers (commands, home buttons, help lines by role). */
  catalog: Catalog;
}

export type BaseContext = Context & I18nFlavor & Extras;
export type BotContext = ConversationFlavor<BaseContext>;
/**
 * The context type inside conversations: i18n, deps, the reader's language and the catalog; no
 * actor (read it through `conversation.external`) and no ConversationFlavor.
 */
export type ConvContext = Context & I18nFlavor & Pick<Extras, 'deps' | 'locale' | 'catalog'>;

/** The reader's language, in a handler or inside a conversation. */
export function localeOf(ctx: Pick<Extras, 'locale'>): Locale {
  return ctx.locale;
}

export function telegramUserId(ctx: Context): number {
  const id = ctx.from?.id;
  if (id === undefined) throw new Error('update without a sender');
  return id;
}
