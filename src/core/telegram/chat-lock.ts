/**
 * One chat's updates handled one at a time, in update_id order, across every bot process of a
 * deployment (webhook mode behind a load balancer sends a chat's updates to any process).
 * grammY's `sequentialize` orders them inside one process only; this adds a lock in Redis:
 *
 * - each update of the chat joins the chat's waiting set (a sorted set scored by update_id);
 * - it may run when the lock is free AND it is the lowest update_id waiting, so an update that
 *   reached another process first still waits for the earlier one;
 * - the lock has a lease (a crashed process frees it after `leaseMs`), and a waiter that stays
 *   behind an entry nobody serves (its process died before joining the lock) goes after `maxWaitMs`.
 *
 * The conversation state (Postgres bot_storage, read with the actor) is read after the lock is
 * taken and written before it is released, so a flow continues where the other process left it.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Context, MiddlewareFn } from 'grammy';

/** KEYS: lock, waiters. ARGV: token, update id, lease ms, force (1 = ignore order). 1 = taken. */
const TAKE = `
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[2])
redis.call('PEXPIRE', KEYS[2], 120000)
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if ARGV[4] ~= '1' then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0)
  if first[1] ~= ARGV[2] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1
`;

/** KEYS: lock, waiters. ARGV: token, update id. */
const RELEASE = `
redis.call('ZREM', KEYS[2], ARGV[2])
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`;

export interface ChatLockOptions {
  /** key space (the bot's id), so two bots of a fleet never share a lock */
  scope: string | number;
  leaseMs?: number;
  maxWaitMs?: number;
}

export function chatLock<C extends Context>(redis: Redis, opts: ChatLockOptions): MiddlewareFn<C> {
  const lease = opts.leaseMs ?? 30_000;
  const maxWait = opts.maxWaitMs ?? 5_000;
  return async (ctx, next) => {
    const chat = ctx.chat?.id ?? ctx.from?.id;
    if (chat === undefined) return next();
    // The hash tag keeps both keys in one Redis Cluster slot.
    const tag = `{sis-chat:${opts.scope}:${chat}}`;
    const lockKey = `${tag}:lock`;
    const waitKey = `${tag}:wait`;
    const token = randomUUID();
    const id = String(ctx.update.update_id);
    const started = Date.now();
    let delay = 2;
    for (;;) {
      const force = Date.now() - started > maxWait ? '1' : '0';
      // Redis away: the update is handled without the cross-process order rather than not at all
      // (one process's own order still holds through sequentialize).
      const taken = await redis.eval(TAKE, 2, lockKey, waitKey, token, id, lease, force).then(Number, () => -1);
      if (taken !== 0) break;
      if (Date.now() - started > lease + maxWait) break; // Redis or a peer is stuck: do not hold the user forever
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 50);
    }
    try {
      await next();
    } finally {
      await redis.eval(RELEASE, 2, lockKey, waitKey, token, id).catch(() => {});
    }
  };
}
