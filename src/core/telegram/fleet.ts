/**
 * A fleet of bots: one bot sends about 30 messages a second (2.6 M a day), fewer than one per
 * Cambodian student on a national morning. A deployment may add tokens (BOT_TOKENS) beside its
 * default bot (BOT_TOKEN); each school is served by one bot (schools.bot_id, null = the default),
 * which names itself in the school's cards and invite links and sends the school's messages
 * with a rate gate of its own (core/queue/sender.ts). A single-token deployment has no rows in
 * `bots` and behaves exactly as before.
 */
import { eq, isNotNull, sql } from 'drizzle-orm';
import type { Config } from '../../config.js';
import type { Db, Executor } from '../db/client.js';
import { bots, schools } from '../db/schema.js';

export interface FleetBot {
  /** Telegram's id of the bot: the digits before the token's colon */
  id: number;
  token: string;
  username?: string;
  /** the deployment's default bot (BOT_TOKEN) */
  isDefault: boolean;
}

/** Every configured bot, the default one first; a token listed twice counts once. */
export function fleetBots(config: Pick<Config, 'BOT_TOKEN' | 'BOT_TOKENS' | 'BOT_USERNAME'>): FleetBot[] {
  const out: FleetBot[] = [{ id: botIdOf(config.BOT_TOKEN), token: config.BOT_TOKEN, username: config.BOT_USERNAME?.replace(/^@/, ''), isDefault: true }];
  for (const part of (config.BOT_TOKENS ?? '').split(',')) {
    const entry = part.trim();
    if (!entry) continue;
    const [token, username] = entry.split('@') as [string, string | undefined];
    const id = botIdOf(token);
    if (out.some((b) => b.id === id)) continue;
    out.push({ id, token, username, isDefault: false });
  }
  return out;
}

export function botIdOf(token: string): number {
  return Number(token.slice(0, token.indexOf(':')));
}

/** Records (or renames) the fleet's bots whose usernames are known, so the CLI can name them. */
export async function registerBots(db: Db, list: ReadonlyArray<{ id: number; username?: string }>): Promise<number> {
  const known = list.filter((b): b is { id: number; username: string } => Boolean(b.username));
  if (known.length === 0) return 0;
  await db
    .insert(bots)
    .values(known.map((b) => ({ id: b.id, username: b.username })))
    .onConflictDoUpdate({ target: bots.id, set: { username: sql`excluded.username` } });
  return known.length;
}

/** The username of the bot serving this school; undefined for the default bot. */
export async function schoolBotUsername(db: Executor, schoolId: number): Promise<string | undefined> {
  const [row] = await db.select({ username: bots.username }).from(schools).innerJoin(bots, eq(bots.id, schools.botId)).where(eq(schools.id, schoolId));
  return row?.username;
}

/**
 * The bot of each school, as the sender asks for it on every row: read from Postgres at most
 * every `ttlMs` (a school moved to another bot is followed within that time).
 */
export function schoolBotLookup(db: Db, ttlMs = 30_000): (schoolId: number) => Promise<number | null> {
  let map: Map<number, number> | null = null;
  let loadedAt = 0;
  let loading: Promise<Map<number, number>> | null = null;
  const load = async () => {
    const rows = await db.select({ id: schools.id, botId: schools.botId }).from(schools).where(isNotNull(schools.botId));
    return new Map(rows.map((r) => [r.id, Number(r.botId)]));
  };
  return async (schoolId) => {
    if (!map || Date.now() - loadedAt > ttlMs) {
      loading ??= load().finally(() => {
        loading = null;
      });
      map = await loading;
      loadedAt = Date.now();
    }
    return map.get(schoolId) ?? null;
  };
}

/**
 * The fleet as the Mini Apps see it (core/telegram/webapp.ts): initData signed by any of its
 * tokens, each bot serving its schools (the default bot those with no bot of their own). One
 * token: just that token, and no school lookup at all.
 */
export function fleetMiniAppBots(db: Db, config: Pick<Config, 'BOT_TOKEN' | 'BOT_TOKENS' | 'BOT_USERNAME'>): string | { tokens: string[]; serves(botId: number, schoolId: number): Promise<boolean> } {
  const fleet = fleetBots(config);
  if (fleet.length === 1) return config.BOT_TOKEN;
  const defaultId = fleet[0]!.id;
  const botOf = schoolBotLookup(db);
  return {
    tokens: fleet.map((b) => b.token),
    serves: async (botId, schoolId) => ((await botOf(schoolId)) ?? defaultId) === botId,
  };
}
