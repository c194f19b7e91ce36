/**
 * Two bot processes scan two siblings at the same instant: each has its own connection and its
 * own statement, the second started while the first's transaction is still open. The family must
 * get ONE digest naming both (and, both children being in, due at once), not two messages.
 *
 * The interleaving is forced in Postgres, not by timing: a third session holds, uncommitted, the
 * outbox key the first scan's digest will be written under, so the first scan's statement stops
 * inside its transaction (its snapshot taken, its check-in written) until that session lets go.
 * The second scan runs meanwhile; only when it has finished or is itself waiting on a lock is the
 * holder rolled back. Whichever of the two then bumps the family's digest counter second finds a
 * value its snapshot did not show, and its statement runs again (src/qr/scan.ts, digest_bump).
 */
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/core/db/client.js';
import type { Actor } from '../../src/core/auth/actor.js';
import { recordScan, type ScanResult } from '../../src/qr/scan.js';
import { signCard } from '../../src/qr/tokens.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadDemoSchool } from '../support/fixtures.js';
import { addGatekeeper, issueAllCards } from './gate.js';

// Monday 23 November 2026, 07:02 in Phnom Penh (UTC+7)
const NOW = new Date('2026-11-23T00:02:00Z');
const DAY = '2026-11-23';
const PARENT_TG = 7_700_001;

let app: TestApp;
let procA: Database;
let procB: Database;
let holder: postgres.Sql;
let actor: Actor;
let kids: [number, number];

beforeAll(async () => {
  app = await createTestApp({ now: () => NOW });
  const { db } = app.database;
  await loadDemoSchool(db);
  await issueAllCards(app);
  const schoolId = await addGatekeeper(app, 'DEMO-001', '+85512999001');
  const [staff] = await app.database.rows<{ id: number }>(sql`select id from staff where phone = '+85512999001'`);
  actor = {
    telegramUserId: 3001,
    locale: 'km',
    hasPhone: true,
    commandsHash: null,
    staff: [{ staffId: Number(staff!.id), schoolId, schoolCode: 'DEMO-001', roles: ['gatekeeper'], homeroomClassIds: [] }],
    guardianIds: [],
    childIds: [],
    officeProvinces: [],
  };
  // A guardian with exactly two children in the morning shift, on Telegram.
  const [fam] = await app.database.rows<{ guardian_id: number; a: number; b: number }>(sql`
    select g.id as guardian_id, min(s.id) as a, max(s.id) as b
      from guardians g join student_guardians sg on sg.guardian_id = g.id
      join students s on s.id = sg.student_id and s.active join classes c on c.id = s.class_id and c.shift = 'morning'
     where not exists (select 1 from student_guardians sg3 join students s3 on s3.id = sg3.student_id join classes c3 on c3.id = s3.class_id
                        where sg3.guardian_id = g.id and c3.shift <> 'morning')
     group by g.id having count(distinct s.id) = 2 order by g.id limit 1`);
  await db.execute(sql`update guardians set telegram_user_id = ${PARENT_TG} where id = ${fam!.guardian_id}`);
  kids = [Number(fam!.a), Number(fam!.b)];

  // Two "bot processes": two clients, each with its own connection and its own scan batcher.
  procA = await openDatabase({ databaseUrl: app.database.url!, max: 1, applicationName: 'digest-race-a' });
  procB = await openDatabase({ databaseUrl: app.database.url!, max: 1, applicationName: 'digest-race-b' });
  holder = postgres(app.database.url!, { max: 2, onnotice: () => {} });
});

afterAll(async () => {
  await holder?.end();
  await procA?.close();
  await procB?.close();
  await app?.close();
});

const scan = (on: Database, studentId: number): Promise<ScanResult> =>
  recordScan(on.db, {
    actor,
    token: signCard(app.deps.cardSecret, { studentId, version: 1 }),
    via: 'camera',
    secret: app.deps.cardSecret,
    notifier: app.deps.notifier,
    now: NOW,
    digestSeconds: 600,
  });

/** Sessions of an application name that are waiting on a heavyweight lock (row, tuple, transaction, advisory). */
async function waiting(applicationName: string): Promise<number> {
  const [row] = await holder<{ n: number }[]>`
    select count(*)::int as n from pg_stat_activity
     where application_name = ${applicationName} and wait_event_type = 'Lock' and datname = current_database()`;
  return Number(row!.n);
}

async function until(what: string, cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting: ${what}`);
}

describe('two siblings scanned at the same instant by two bot processes', () => {
  it('give ONE digest naming both, due at once', async () => {
    const [a, b] = kids;
    const reserved = await holder.reserve();
    let releaseHolder!: () => void;
    const held = new Promise<void>((resolve) => (releaseHolder = resolve));
    // The holder's transaction: the first scan's digest key, written and not committed.
    const holding = (async () => {
      await reserved`begin`;
      await reserved`
        insert into outbox (dedupe_key, capability, entity, chat_id, method, payload, status)
        values (${`arrf:${DAY}:morning:${PARENT_TG}:${a}`}, 'qr', 'arrivals', ${PARENT_TG}, 'sendMessage', '{}'::jsonb, 'pending')`;
      await held;
      await reserved`rollback`;
      reserved.release();
    })();
    await until('the holder has its row', async () => {
      const [row] = await holder<{ n: number }[]>`select count(*)::int as n from pg_locks l join pg_stat_activity s on s.pid = l.pid
        where s.datname = current_database() and l.locktype = 'transactionid' and l.mode = 'ExclusiveLock' and s.pid <> pg_backend_pid()`;
      return Number(row!.n) > 0;
    });

    let doneA = false;
    let doneB = false;
    const scanA = scan(procA, a).finally(() => (doneA = true));
    await until('scan A waits inside its transaction', async () => (await waiting('digest-race-a')) > 0);
    expect(doneA).toBe(false);

    const scanB = scan(procB, b).finally(() => (doneB = true));
    // B either runs to its end (nothing stops it) or waits on a lock: either way, now let A go.
    await until('scan B finished or waits', async () => doneB || (await waiting('digest-race-b')) > 0);
    releaseHolder();
    const [ra, rb] = await Promise.all([scanA, scanB]);
    await holding;

    expect(ra).toMatchObject({ ok: true, kind: 'arrival', noticesQueued: 1 });
    expect(rb).toMatchObject({ ok: true, kind: 'arrival', noticesQueued: 1 });
    const digests = await app.database.rows<{ dedupe_key: string; due: boolean }>(sql`
      select dedupe_key, not_before <= now() as due from outbox where chat_id = ${PARENT_TG} and dedupe_key like 'arrf:%'`);
    expect(digests).toHaveLength(1);
    const items = await app.database.rows<{ student_id: string; digest_key: string }>(sql`
      select student_id, digest_key from arrival_digest_items where guardian_tg = ${PARENT_TG} order by student_id`);
    expect(items.map((i) => Number(i.student_id))).toEqual([a, b]);
    expect(new Set(items.map((i) => i.digest_key))).toEqual(new Set([digests[0]!.dedupe_key]));
    // both children are in: no reason to wait the digest window
    expect(digests[0]!.due).toBe(true);
    // and no single notice went beside the digest
    const singles = await app.database.rows(sql`select 1 from outbox where chat_id = ${PARENT_TG} and dedupe_key like 'arr:%'`);
    expect(singles).toHaveLength(0);
  });
});
