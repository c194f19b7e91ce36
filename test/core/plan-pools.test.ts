/**
 * The app's two pools on one server: updates are planned once per connection (generic plans),
 * reports and the read API plan per value — the read pool opens on the primary when no replica
 * is configured, so reports never inherit the update pool's setting.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppDatabase } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { readerOf, type Database } from '../../src/core/db/client.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let scratch: TestDatabase;
let app: Database;

const planMode = async (database: Database) => (await database.rows<{ plan_cache_mode: string }>(sql`show plan_cache_mode`))[0]!.plan_cache_mode;

beforeAll(async () => {
  scratch = await createTestDatabase({ max: 1 });
  app = await openAppDatabase({ DATABASE_URL: scratch.url } as Config);
});

afterAll(async () => {
  await app.close();
  await scratch.drop();
});

describe('the app database', () => {
  it('plans updates once per connection and reports per value, in a pool of their own', async () => {
    expect(await planMode(app)).toBe('force_generic_plan');
    const reader = readerOf(app);
    expect(reader).not.toBe(app);
    expect(await planMode(reader)).toBe('auto');
    const [pools] = await scratch.rows<{ n: number }>(
      sql`select count(distinct application_name)::int as n from pg_stat_activity where datname = current_database() and application_name in ('sis', 'sis-read')`,
    );
    expect(pools!.n).toBe(2);
  });
});
