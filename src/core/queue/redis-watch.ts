/**
 * Redis is a cache of Postgres. This watch notices a Redis that lost its data — restarted without
 * its files, failed over to an empty replica, flushed — by a sentinel key it keeps there: when the
 * key is gone, everything Redis held (job schedulers, queued messages, promised jobs) is gone too,
 * and `onLost` puts it back from Postgres at once. It also runs `sweep` every `sweepMs` (work
 * added while Redis was unreachable).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { safeError, type Logger } from '../logger.js';

export interface RedisWatch {
  /** one check now (tests); true when a loss was found and recovered */
  check(): Promise<boolean>;
  stop(): Promise<void>;
}

export const sentinelKey = (prefix: string) => `${prefix}:sentinel`;

export function startRedisWatch(opts: {
  connection: Redis;
  prefix: string;
  log: Logger;
  /** re-create from Postgres what Redis lost; the sentinel is set again only when it succeeded */
  onLost(): Promise<void>;
  sweep?(): Promise<void>;
  intervalMs?: number;
  sweepMs?: number;
}): RedisWatch {
  const key = sentinelKey(opts.prefix);
  let running: Promise<boolean> | null = null;
  let stopped = false;
  let lastSweep = Date.now();

  const once = async (): Promise<boolean> => {
    // Fail fast while Redis is away: the next tick tries again.
    if (opts.connection.status !== 'ready') return false;
    let lost = false;
    try {
      lost = (await opts.connection.exists(key)) === 0;
      if (lost) {
        const started = Date.now();
        opts.log.warn('redis has lost its data (sentinel key missing): re-creating schedulers and queued work from postgres');
        await opts.onLost();
        await opts.connection.set(key, `${randomUUID()} ${new Date().toISOString()}`);
        opts.log.info({ ms: Date.now() - started }, 'redis recovered from postgres');
      }
      if (opts.sweep && Date.now() - lastSweep >= (opts.sweepMs ?? 30_000)) {
        lastSweep = Date.now();
        await opts.sweep();
      }
    } catch (err) {
      opts.log.error({ err: safeError(err) }, 'redis watch failed; will retry');
      return false;
    }
    return lost;
  };
  const check = () => {
    running ??= once().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void check();
  }, opts.intervalMs ?? 1000);
  timer.unref();
  return {
    check,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
