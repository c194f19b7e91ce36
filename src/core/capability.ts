/**
 * The shape of a capability. Each capability folder exports one `Capability` from its index.ts;
 * src/capabilities.ts lists them, and the bot, the worker, the HTTP server and the CLI are built by
 * looping over that list (start-up in its order, shutdown in reverse). Nothing registers itself by
 * being imported: whatever a capability adds to the app is a field here.
 *
 * How the bot composes the list (core/telegram/bot.ts), so that the order of the list never
 * decides who gets an update:
 *   1. a command ends any open flow; then every capability's `flows` (conversations), so a
 *      message or button meant for an open flow reaches it first;
 *   2. `/start <payload>`: the capability whose `deepLink` matches the payload;
 *   3. every capability's `bot` composer: its commands (unique across the list), the buttons of
 *      its own callback namespaces (unique across the list) and the messages it claims;
 *   4. the one `fallback`: whatever nobody claimed.
 */
import type { Composer, Context } from 'grammy';
import type { Conversation } from '@grammyjs/conversations';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ZodType } from 'zod';
import type { Config } from '../config.js';
import type { AppRole } from './auth/roles.js';
import type { Database, Db } from './db/client.js';
import type { Notifier } from './i18n/index.js';
import type { Logger } from './logger.js';
import type { Now } from './clock.js';
import type { PayloadResolver } from './queue/sender.js';
import type { HttpRoute } from './telegram/webhook.js';
import type { AppDeps, BotContext, ConvContext } from './telegram/context.js';
import type { CliCommand } from './cli.js';

export interface CommandSpec {
  command: string;
  /** Fluent key of the one-line description shown in Telegram's command list */
  descriptionKey: string;
  /** who sees it; 'everyone' includes people not linked yet */
  roles: readonly AppRole[] | 'everyone';
}

/**
 * An entry of the home menu (/menu) for the given roles. Pressing it sends `data`, a button of the
 * capability's own namespace that its bot composer handles (as it handles its command).
 */
export interface HomeButton {
  id: string;
  labelKey: string;
  roles: readonly AppRole[];
  data: string;
}

/** A line of /help under each of the given roles (shown once, under the first the user holds). */
export interface HelpLine {
  roles: readonly AppRole[];
  key: string;
}

/** A conversation (grammY conversations 2.x): `run` replays from the top on every update. */
export interface Flow {
  id: string;
  run(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext, ...args: any[]): Promise<unknown>;
}

/** `/start <payload>` links this capability owns (a QR card's link, say). */
export interface DeepLink {
  matches(payload: string): boolean;
  open(ctx: BotContext, payload: string): Promise<void>;
}

/** What a capability's jobs get in the worker process. */
export interface JobContext {
  database: Database;
  connection: Redis;
  prefix: string;
  log: Logger;
  notifier: Notifier;
  now: Now;
  /** the deployment's configuration (absent in tests that start one queue by hand) */
  config?: Config;
  /** new outbox rows are waiting: wake the relay */
  onOutbox?(): void;
}

/**
 * One BullMQ queue of a capability. Its job data is checked against `payload` when the bot adds a
 * job and again when the worker takes one (a job from an older release, or a hand-made one, is
 * failed with its problems instead of half-run).
 */
export interface QueueSpec<J = any> {
  name: string;
  payload: ZodType<J>;
  /** jobs run at once per worker process (CPU-bound drawing: 1) */
  concurrency: number;
  /**
   * Creates, updates or removes the queue's job schedulers (of one school, or of all when
   * `schoolId` is absent); returns how many it keeps. Run at worker start, every hour, and by the
   * CLI when a school's settings change.
   */
  schedule?(queue: Queue<J>, db: Db, schoolId?: number): Promise<number>;
  /** before the queue's worker starts (partitions, warm-ups) */
  prepare?(ctx: JobContext): Promise<void>;
  run(job: J, ctx: JobContext & { queue: Queue<J> }): Promise<unknown>;
}

/** Parts of a capability that live as long as a worker process (timers, debouncers). */
export interface WorkerPart {
  /** a message went out (the sender completed a job) */
  afterSend?(): void;
  close?(): Promise<void>;
}

export interface HttpContext {
  deps: AppDeps;
  config: Config;
}

export interface Capability {
  /** folder name; also the prefix of its Fluent keys (`<id>-…`) */
  id: string;
  /** the first field of every callback data it makes (grammY Menu ids included) */
  callbackNamespaces?: readonly string[];
  commands?: readonly CommandSpec[];
  homeButtons?: readonly HomeButton[];
  helpLines?: readonly HelpLine[];
  /** group and supergroup updates it handles; every other group update is dropped */
  groupUpdates?(ctx: Context): boolean;
  deepLink?: DeepLink;
  flows?: readonly Flow[];
  bot?(deps: AppDeps): Composer<BotContext>;
  /** what no capability claimed (exactly one capability of the list has it) */
  fallback?(deps: AppDeps): Composer<BotContext>;
  queues?: readonly QueueSpec[];
  worker?(ctx: JobContext): WorkerPart | Promise<WorkerPart>;
  /** turns file references in outbox payloads into uploads (files kept in Postgres) */
  /** `notifier`: the texts of the worker; `config`: its configuration (absent where a test builds the resolvers alone) */
  resolvers?(db: Db, notifier: Notifier, config?: Config): PayloadResolver;
  http?(ctx: HttpContext): HttpRoute[];
  cli?: readonly CliCommand[];
}
