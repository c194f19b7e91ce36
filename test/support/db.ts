/**
 * Each test file gets its own database: a fresh Postgres database (dropped afterwards) or an
 * in-memory PGlite, both with the real migrations.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { migrateDatabase, openDatabase, type Database } from '../../src/core/db/client.js';

export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase extends Database {
  drop(): Promise<void>;
}

/** `genericPlans`: as the app's update-handling pool does (benchmarks of the bot's updates). */
export async function createTestDatabase(opts: { max?: number; genericPlans?: boolean } = {}): Promise<TestDatabase> {
  const name = `sis_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), max: opts.max ?? 5, genericPlans: opts.genericPlans });
  await migrateDatabase(database);
  return {
    ...database,
    async drop() {
      await database.close();
      const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export async function createPgliteDatabase(): Promise<TestDatabase> {
  const database = await openDatabase({ pgliteDir: 'memory://' });
  await migrateDatabase(database);
  return { ...database, drop: () => database.close() };
}
