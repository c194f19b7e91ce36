/**
 * What every Mini App served by the bot's HTTP server needs: Telegram's initData checked
 * (HMAC-SHA256 keyed by HMAC("WebAppData", bot token), and fresh), small JSON bodies read with a
 * size cap, JSON answers that are never cached. Capabilities build their pages and APIs on these.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { KHMER_FONT_REGULAR } from '../render/fonts.js';

/** initData older than this is refused (a leaked or replayed one stops working); WEBAPP_INITDATA_MAX_AGE_SECONDS. */
export const INIT_DATA_MAX_AGE_SECONDS = 3600;

/**
 * A fixed-window counter per key (a client address): true while the key is within `max` requests
 * per `windowMs`. In-process on purpose: it guards this process's database from a flood (junk
 * requests each wrote an audit row), it is not an accounting of users.
 */
export function createWindowLimiter(max: number, windowMs: number, now: () => number = Date.now): (key: string) => boolean {
  const windows = new Map<string, { start: number; count: number }>();
  return (key) => {
    const t = now();
    if (windows.size > 10_000) for (const [k, w] of windows) if (t - w.start >= windowMs) windows.delete(k);
    const w = windows.get(key);
    if (!w || t - w.start >= windowMs) {
      windows.set(key, { start: t, count: 1 });
      return true;
    }
    w.count++;
    return w.count <= max;
  };
}

/** `botId`: the bot whose token signed it (the digits before the token's colon). */
export type InitDataCheck = { ok: true; userId: number; authDate: number; botId: number } | { ok: false; reason: 'missing' | 'bad-hash' | 'expired' | 'no-user' };

/**
 * Checks initData against one bot token, or against each token of a fleet (the Mini App may be
 * opened from any of its bots); the answer names the bot that signed it.
 */
export function verifyInitData(initData: string, botToken: string | readonly string[], nowSeconds: number, maxAgeSeconds = INIT_DATA_MAX_AGE_SECONDS): InitDataCheck {
  if (!initData) return { ok: false, reason: 'missing' };
  const params = new URLSearchParams(initData);
  const hash = params.get('hash');
  if (!hash || !/^[0-9a-f]{64}$/.test(hash)) return { ok: false, reason: 'bad-hash' };
  const signedBy = (token: string) => {
    const secret = createHmac('sha256', 'WebAppData').update(token).digest();
    const matches = (exclude: string[]) => {
      const check = [...params.entries()]
        .filter(([k]) => !exclude.includes(k))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${k}=${v}`)
        .join('\n');
      return timingSafeEqual(createHmac('sha256', secret).update(check).digest(), Buffer.from(hash, 'hex'));
    };
    // Telegram's rule is "every field but hash"; clients that add the Ed25519 `signature` field are
    // also accepted when it was left out of the HMAC (both are keyed by our bot token).
    return matches(['hash']) || (params.has('signature') && matches(['hash', 'signature']));
  };
  const token = (typeof botToken === 'string' ? [botToken] : botToken).find(signedBy);
  if (token === undefined) return { ok: false, reason: 'bad-hash' };
  const authDate = Number(params.get('auth_date'));
  if (!Number.isFinite(authDate) || nowSeconds - authDate > maxAgeSeconds || authDate - nowSeconds > 300) return { ok: false, reason: 'expired' };
  let userId: unknown;
  try {
    userId = (JSON.parse(params.get('user') ?? 'null') as { id?: unknown } | null)?.id;
  } catch {
    return { ok: false, reason: 'no-user' };
  }
  if (typeof userId !== 'number' || !Number.isSafeInteger(userId)) return { ok: false, reason: 'no-user' };
  return { ok: true, userId, authDate, botId: Number(token.slice(0, token.indexOf(':'))) };
}

/**
 * The bots whose Mini App requests a deployment accepts. One token (a string): that bot, serving
 * every school. A fleet: every token, and `serves` says whether the signing bot serves a school,
 * so a request is bound to its bot (a staff member of two schools served by two bots acts, from
 * each bot, on that bot's school alone).
 */
export interface MiniAppBots {
  tokens: readonly string[];
  serves?: (botId: number, schoolId: number) => Promise<boolean>;
}

export function miniAppBotsOf(bots: string | MiniAppBots): MiniAppBots {
  return typeof bots === 'string' ? { tokens: [bots] } : bots;
}

/** The actor as seen through the bot that signed the request: staff roles of that bot's schools only. */
export async function actorThroughBot<A extends { staff: ReadonlyArray<{ schoolId: number }> }>(actor: A, botId: number, bots: MiniAppBots): Promise<A> {
  if (!bots.serves) return actor;
  const kept = [];
  for (const m of actor.staff) if (await bots.serves(botId, m.schoolId)) kept.push(m);
  return kept.length === actor.staff.length ? actor : { ...actor, staff: kept };
}

/** Signs initData as Telegram does (tests, and `npm run try`). */
export function signInitData(fields: Record<string, string>, botToken: string): string {
  const secret = createHmac('sha256', 'WebAppData').update(botToken).digest();
  const check = Object.entries(fields)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
  const params = new URLSearchParams(fields);
  params.set('hash', createHmac('sha256', secret).update(check).digest('hex'));
  return params.toString();
}

/** A small JSON request body (at most `maxBytes`), or null when it is too large or not an object. */
export async function readJson(req: IncomingMessage, maxBytes = 8 * 1024): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    return body && typeof body === 'object' ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}


/**
 * The Khmer font for Mini App pages, served by the bot itself: a page then shapes Khmer the same
 * on every phone (and in a headless browser), whatever fonts the device has. CSS:
 * `@font-face { font-family: "Noto Sans Khmer"; src: url("<path>") format("truetype"); }`.
 */
export function khmerFontRoute(path: string): { method: 'GET'; path: string; handle(req: IncomingMessage, res: ServerResponse): Promise<void> } {
  let bytes: Buffer | undefined;
  return {
    method: 'GET',
    path,
    async handle(_req, res) {
      bytes ??= await readFile(KHMER_FONT_REGULAR);
      res.writeHead(200, { 'content-type': 'font/ttf', 'cache-control': 'public, max-age=604800, immutable' }).end(bytes);
    },
  };
}
