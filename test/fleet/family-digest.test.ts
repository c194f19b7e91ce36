/**
 * A family with several children in one shift gets ONE arrival message, through the real bot
 * (the gate keeper scans) and the real relay and sender with the qr capability's resolver:
 * siblings scanned minutes apart are named together, the digest goes at once when the last of
 * them is in, a child who arrives after the digest went starts a new one, a retried scan adds
 * nobody twice, and a Redis that lost its queue loses no digest (the row is in Postgres).
 */
import { randomBytes } from 'node:crypto';
import { Api } from 'grammy';
import { Redis } from 'ioredis';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutgoingQueue } from '../../src/core/queue/queues.js';
import { relayOnce, requeueAllPending } from '../../src/core/queue/relay.js';
import { startSender } from '../../src/core/queue/sender.js';
import { createLogger } from '../../src/core/logger.js';
import { qr } from '../../src/qr/index.js';
import { signCard } from '../../src/qr/tokens.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';
import { addGatekeeper, issueAllCards } from '../qr/gate.js';

// Monday 23 November 2026, 07:02 in Phnom Penh (UTC+7)
let now = new Date('2026-11-23T00:02:00Z');
let app: TestApp;
let gate: TestUser;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);
const khmer = (s: string) => s.replace(/\d/g, (d) => '០១២៣៤៥៦៧៨៩'[Number(d)]!);
type Kid = { id: number; nameKm: string; nameEn: string | null };
/** families of the demo school with several children in one shift */
let families: Array<{ phone: string; shift: string; kids: Kid[] }>;

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const prefix = `test-digest-${randomBytes(4).toString('hex')}`;
let stopSender: () => Promise<void>;
let queue: ReturnType<typeof createOutgoingQueue>;

/** relay + sender until every due row is out (rows not due yet stay) */
async function deliver(): Promise<void> {
  await relayOnce(app.database, queue);
  for (let i = 0; i < 500; i++) {
    const [row] = await app.database.rows<{ n: number }>(sql`select count(*)::int as n from outbox where status = 'pending' and not_before <= now()`);
    if (Number(row!.n) === 0) return;
    if (i % 25 === 24) await relayOnce(app.database, queue);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('outbox not drained');
}

const scan = async (kid: Kid) => {
  await gate.send(`/start ${signCard(app.deps.cardSecret, { studentId: kid.id, version: 1 })}`);
  return gate.inbox();
};

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  await issueAllCards(app);
  await addGatekeeper(app, 'DEMO-001', '+85512999001');
  // The demo roster has pairs of siblings only: the guardian of one pair takes in a third child.
  await app.database.db.execute(sql`
    with pair as (
      select g.id as guardian_id, g.school_id from guardians g join student_guardians sg on sg.guardian_id = g.id
        join students s on s.id = sg.student_id join classes c on c.id = s.class_id and c.shift = 'morning'
       group by g.id, g.school_id having count(*) = 2 order by g.id desc limit 1),
    extra as (
      select s.id from students s join classes c on c.id = s.class_id and c.shift = 'morning'
       where not exists (select 1 from student_guardians sg where sg.student_id = s.id and sg.guardian_id in (select guardian_id from pair))
       order by s.id desc limit 1)
    insert into student_guardians (student_id, guardian_id, school_id, relation) select extra.id, pair.guardian_id, pair.school_id, 'aunt' from pair, extra`);
  const rows = await app.database.rows<{ phone: string; shift: string; id: number; name_km: string; name_en: string | null }>(sql`
    with fam as (
      select g.phone, c.shift from guardians g join student_guardians sg on sg.guardian_id = g.id
        join students s on s.id = sg.student_id and s.active join classes c on c.id = s.class_id
       group by g.phone, c.shift having count(distinct s.id) >= 2)
    select f.phone, f.shift::text, s.id, s.name_km, s.name_en from fam f
      join guardians g on g.phone = f.phone join student_guardians sg on sg.guardian_id = g.id
      join students s on s.id = sg.student_id and s.active join classes c on c.id = s.class_id and c.shift = f.shift
     where f.shift = 'morning'
     order by f.phone, s.id`);
  const byPhone = new Map<string, { phone: string; shift: string; kids: Kid[] }>();
  for (const r of rows) {
    const f = byPhone.get(r.phone) ?? { phone: r.phone, shift: r.shift, kids: [] };
    if (!f.kids.some((k) => k.id === Number(r.id))) f.kids.push({ id: Number(r.id), nameKm: r.name_km, nameEn: r.name_en });
    byPhone.set(r.phone, f);
  }
  families = [...byPhone.values()].sort((a, b) => b.kids.length - a.kids.length);

  queue = createOutgoingQueue(redis, prefix);
  const sender = startSender({
    database: app.database,
    connection: redis,
    prefix,
    api: new Api('123:TEST-TOKEN-abcdefghij', { fetch: app.tg.fetch }),
    log: createLogger('silent'),
    perChatIntervalMs: 10,
    resolvePayload: qr.resolvers!(app.database.db, app.deps.notifier),
  });
  stopSender = async () => {
    await sender.close();
    await queue.close();
  };
  gate = app.user(3001, 'Gate');
  await gate.shareContact('012 999 001');
  gate.inbox();
});

afterAll(async () => {
  await stopSender?.();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await app?.close();
});

async function parent(id: number, phone: string, english = false): Promise<TestUser> {
  const p = app.user(id, 'P', english ? 'en' : undefined);
  if (english) {
    await p.send('/language');
    await p.press('English');
  }
  await p.shareContact(phone);
  p.inbox();
  return p;
}

describe('a family with several children in the morning shift', () => {
  const pairs = () => families.filter((f) => f.kids.length === 2);
  it('there are such families: three with two children, one with three', () => {
    expect(pairs().length).toBeGreaterThanOrEqual(3);
    expect(families[0]!.kids.length).toBeGreaterThanOrEqual(3);
  });

  it('siblings scanned minutes apart: nothing after the first, ONE message naming both when the last is in', async () => {
    app.deps.arrivalDigestSeconds = 600;
    const fam = pairs()[0]!;
    const p = await parent(4101, fam.phone);
    const [a, b] = fam.kids as [Kid, Kid];

    now = new Date('2026-11-23T00:02:00Z');
    const reply = await scan(a);
    expect(reply[0]!.text).toContain(t('km', 'qr-scan-families-told', { count: '១' }));
    await deliver();
    expect(p.inbox()).toHaveLength(0);

    now = new Date('2026-11-23T00:05:00Z');
    await scan(b);
    await deliver();
    const got = p.inbox();
    expect(got).toHaveLength(1);
    expect(got[0]!.text).toBe(t('km', 'qr-scan-digest', { names: `${a.nameKm}, ${b.nameKm}`, times: `${khmer('07:02')}, ${khmer('07:05')}` }));
    // the notices-off button still comes with it
    expect(got[0]!.replyMarkup.inline_keyboard[0][0].text).toBe(t('km', 'qr-scan-notices-off-button'));

    // a retried scan (the same card again) adds nobody and sends nothing
    now = new Date('2026-11-23T00:06:00Z');
    await scan(b);
    await deliver();
    expect(p.inbox()).toHaveLength(0);
    const [n] = await app.database.rows<{ n: number }>(sql`select count(*)::int as n from arrival_digest_items where student_id in (${a.id}, ${b.id})`);
    expect(Number(n!.n)).toBe(2);
  });

  it('a child still missing when the window ends: the digest goes with those who came; a late one gets its own message', async () => {
    const fam = families[0]!;
    const p = await parent(4102, fam.phone, true);
    const kids = fam.kids;
    const present = kids.slice(0, kids.length - 1);
    const lateOne = kids[kids.length - 1]!;
    app.deps.arrivalDigestSeconds = 1;

    now = new Date('2026-11-23T00:03:00Z');
    for (const k of present) await scan(k);
    await new Promise((r) => setTimeout(r, 1200));
    await deliver();
    const got = p.inbox();
    expect(got).toHaveLength(1);
    const enName = (k: Kid) => (k.nameEn ? `${k.nameEn} (${k.nameKm})` : k.nameKm);
    expect(got[0]!.text).toBe(t('en', 'qr-scan-digest', { names: present.map(enName).join(', '), times: present.map(() => '07:03').join(', ') }));

    now = new Date('2026-11-23T00:25:00Z'); // 07:25, after the late threshold
    await scan(lateOne);
    await deliver();
    expect(p.inbox().map((m) => m.text)).toEqual([t('en', 'qr-scan-notice-late', { name: enName(lateOne), time: '07:25' })]);
  });

  it('a sibling scanned while the digest is being sent starts the next one: both children told, once each', async () => {
    const [a, b] = pairs()[1]!.kids as [Kid, Kid];
    const fam = pairs()[1]!;
    const p = await parent(4103, fam.phone);
    app.deps.arrivalDigestSeconds = 600;
    now = new Date('2026-11-23T00:04:00Z');
    await scan(a);
    // the sender holds the row (its lease) at the instant the sibling is scanned
    await app.database.db.execute(sql`update outbox set locked_until = now() + interval '1 hour' where chat_id = 4103 and status = 'pending'`);
    await scan(b);
    const rows = await app.database.rows<{ dedupe_key: string }>(sql`select dedupe_key from outbox where chat_id = 4103 order by id`);
    expect(rows).toHaveLength(2);
    await app.database.db.execute(sql`update outbox set locked_until = null, not_before = now() where chat_id = 4103`);
    await deliver();
    expect(p.inbox().map((m) => m.text).sort()).toEqual(
      [t('km', 'qr-scan-notice-arrived', { name: a.nameKm, time: khmer('07:04') }), t('km', 'qr-scan-notice-arrived', { name: b.nameKm, time: khmer('07:04') })].sort(),
    );
  });

  it('Redis loses the queue with a digest waiting in it: the relay sends it again from Postgres, once', async () => {
    const free = pairs()[2]!;
    const p = await parent(4104, free.phone);
    app.deps.arrivalDigestSeconds = 600;
    now = new Date('2026-11-23T00:06:00Z');
    for (const k of free.kids) await scan(k);
    // enqueue, then lose every key of the queue before the sender ran
    await stopSender();
    await relayOnce(app.database, createOutgoingQueue(redis, prefix));
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    expect(await requeueAllPending(app.database)).toBeGreaterThanOrEqual(1);
    queue = createOutgoingQueue(redis, prefix);
    const sender = startSender({
      database: app.database,
      connection: redis,
      prefix,
      api: new Api('123:TEST-TOKEN-abcdefghij', { fetch: app.tg.fetch }),
      log: createLogger('silent'),
      perChatIntervalMs: 10,
      resolvePayload: qr.resolvers!(app.database.db, app.deps.notifier),
    });
    stopSender = async () => {
      await sender.close();
      await queue.close();
    };
    await deliver();
    const got = p.inbox();
    expect(got).toHaveLength(1);
    expect(got[0]!.text).toBe(t('km', 'qr-scan-digest', { names: free.kids.map((k) => k.nameKm).join(', '), times: free.kids.map(() => khmer('07:06')).join(', ') }));
  });
});
