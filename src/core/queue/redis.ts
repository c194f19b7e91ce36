import { Redis } from 'ioredis';

/** BullMQ workers need maxRetriesPerRequest: null (they block on Redis). */
export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

/**
 * The bot process's own connection (duplicate check, per-chat lock, flood guard). It fails fast
 * instead of queueing commands while Redis is away: updates are then handled without the shared
 * flood guard and dedupe, not held up. Auto-pipelining sends the commands that concurrent
 * updates issue in the same tick as one socket write (the mixed-updates benchmark showed one
 * write per command as a large share of the bot's CPU); each command's reply is unchanged.
 */
export function createBotRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, enableAutoPipelining: true });
}
