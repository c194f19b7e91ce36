/**
 * Postgres storage for grammY conversations (and sessions, should a feature need one): state
 * survives restarts and is shared by every bot process.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { botStorage } from '../db/schema.js';

export interface KeyValueStorage<T> {
  read(key: string): Promise<T | undefined>;
  write(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
}

export function postgresStorage<T>(db: Db, prefix: string): KeyValueStorage<T> {
  return {
    async read(key) {
      const [row] = await db.select({ value: botStorage.value }).from(botStorage).where(eq(botStorage.key, prefix + key));
      return row ? (row.value as T) : undefined;
    },
    async write(key, value) {
      await db
        .insert(botStorage)
        .values({ key: prefix + key, value: value as object })
        .onConflictDoUpdate({ target: botStorage.key, set: { value: value as object, updatedAt: sql`now()` } });
    },
    async delete(key) {
      await db.delete(botStorage).where(eq(botStorage.key, prefix + key));
    },
  };
}
