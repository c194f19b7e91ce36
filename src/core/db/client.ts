/**
 * The database handle. Production uses postgres.js against a real server; when DATABASE_URL is
 * unset we run embedded Postgres (PGlite, real Postgres compiled to WASM) in a data folder with
 * the very same migrations, so a newcomer can try the bot without installing anything.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';

// No relational schema is registered: queries name their tables (core and capability schema.ts
// files), so core need not know any capability's tables.
type NoRelations = Record<string, never>;
export type Db = PgDatabase<PgQueryResultHKT, NoRelations>;
export type Tx = PgTransaction<PgQueryResultHKT, NoRelations, ExtractTablesWithRelations<NoRelations>>;
/** Anything that can run a query: the database or an open transaction. */
export type Executor = Db | Tx;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  url?: string;
  /** Runs a raw query and returns its rows whatever the driver's result shape. */
  rows<T = Record<string, unknown>>(query: SQL, executor?: Executor): Promise<T[]>;
  close(): Promise<void>;
  /**
   * Where report, roll-up and read-API queries go (DATABASE_READ_URL, a replica); absent: this
   * database. Never written to: a replica refuses writes, and one that lags must not hide them.
   */
  reader?: Database;
}

/** The database that report and read-API queries use: the replica when one is configured. */
export function readerOf(database: Database): Database {
  return database.reader ?? database;
}

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

/** A raw query's rows whatever the driver: postgres.js returns an array, PGlite `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  // postgres.js returns an array; PGlite returns { rows }.
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export interface OpenOptions {
  databaseUrl?: string;
  pgliteDir?: string;
  /** pool size for postgres.js */
  max?: number;
  /** shown in pg_stat_activity (which pool a connection belongs to) */
  applicationName?: string;
  /**
   * Plan every prepared statement once per connection (`plan_cache_mode = force_generic_plan`)
   * instead of planning it anew for its first five runs on each connection. The pool that
   * handles updates wants it: its statements are keyed writes whose plan does not depend on the
   * values, and a large one (the attendance submit's, 20 parts) cost Postgres ≈ 3 ms of planning
   * per run — with 50 teachers submitting at once, more than a core. Reports keep the planner's
   * choice (a plan per value can matter there): they read through `reader`.
   */
  genericPlans?: boolean;
}

type PgClient = import('postgres').Sql;

/**
 * drizzle asks postgres.js not to prepare its queries. postgres.js then sends every query with
 * parameters twice over (Parse+Describe, wait, then Bind+Execute): two round trips and two socket
 * writes per query, which the benchmarks showed dominating the bot's CPU. Preparing every query
 * (cached per connection, connections recycled by postgres.js) makes it one round trip.
 */
function preparing<T extends PgClient>(client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (query: string, params?: unknown[], options?: Record<string, unknown>) =>
          target.unsafe(query, params as never, { ...options, prepare: true });
      }
      if (prop === 'begin') {
        return (...args: unknown[]) => {
          const fn = args.pop() as (sql: PgClient) => unknown;
          return (target.begin as (...a: unknown[]) => unknown)(...args, (sql: PgClient) => fn(preparing(sql)));
        };
      }
      if (prop === 'savepoint') {
        return (...args: unknown[]) => {
          const fn = args.pop() as (sql: PgClient) => unknown;
          return ((target as unknown as { savepoint: (...a: unknown[]) => unknown }).savepoint)(...args, (sql: PgClient) => fn(preparing(sql)));
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const client = postgres(opts.databaseUrl, {
      max: opts.max ?? 10,
      connection: { application_name: opts.applicationName ?? 'sis', ...(opts.genericPlans ? { plan_cache_mode: 'force_generic_plan' } : {}) },
      ...(process.env.SIS_DEBUG_SQL ? { debug: (_c: number, q: string) => console.log('SQL', q.replace(/\s+/g, ' ').slice(0, 140)) } : {}),
      onnotice: () => {},
    });
    const db = drizzle(preparing(client)) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      url: opts.databaseUrl,
      rows: async <T,>(q: SQL, ex: Executor = db) => rowsOf<T>(await ex.execute(q)),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const dir = opts.pgliteDir;
  if (dir && dir !== 'memory://') mkdirSync(dir, { recursive: true });
  const client = new PGlite(dir && dir !== 'memory://' ? dir : undefined);
  await client.waitReady;
  const db = drizzle(client) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    rows: async <T,>(q: SQL, ex: Executor = db) => rowsOf<T>(await ex.execute(q)),
    close: () => client.close(),
  };
}

export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'postgres' && database.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    // One connection, so the advisory lock that keeps concurrent starters (bot + worker) from
    // migrating at the same time is taken and released on the same session.
    const client = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      const db = drizzle(client);
      await db.execute(sql`select pg_advisory_lock(727272)`);
      await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
      await db.execute(sql`select pg_advisory_unlock(727272)`);
    } finally {
      await client.end({ timeout: 5 });
    }
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(database.db as never, { migrationsFolder: MIGRATIONS_DIR });
  }
}
