import { Redis } from 'ioredis';

/** BullMQ workers need maxRetriesPerRequest: null (they block on Redis). */
export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}
