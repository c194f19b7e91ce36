/**
 * The morning rush at the gate, through the real bot's update handling on real Postgres: gate
 * keepers scan cards (`/start <token>`, as a phone camera opens the bot) as fast as the bot
 * answers them, each gate one chat (updates of a chat are handled in order, as in production).
 * Each scan: actor load, token verify, check-in insert, one arrival notice per guardian into the
 * outbox, audit row, the reply to the gate keeper.
 *
 * Baseline, same run, same pool and concurrency: plain single-row INSERTs of the same check-in
 * rows (no bot, no verification, no notices) — what the database alone does.
 */
import { sql } from 'drizzle-orm';
import { createAppDeps, CAPABILITIES } from '../../src/app.js';
import { createBot } from '../../src/core/telegram/bot.js';
import { createLogger } from '../../src/core/logger.js';
import { ensureCheckinPartitions } from '../../src/qr/scan-jobs.js';
import { signCard } from '../../src/qr/tokens.js';
import { importStaff, importStudents } from '../../src/roster/service.js';
import { addSchool } from '../../src/schools/service.js';
import { createTestDatabase } from '../../test/support/db.js';
import { BOT_INFO, FakeTelegram } from '../../test/support/telegram.js';
import type { Bench, BenchResult } from './types.js';
import { fmt } from './types.js';

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 12_000);
const GATES = Number(process.env.BENCH_GATES ?? 64);
const CLASS_SIZE = 40;
const DAY = '2026-11-23';
const WARM_DAY = '2026-11-16';
const at = (day: string) => new Date(`${day}T00:05:00Z`); // 07:05 in Phnom Penh

function rosters(): { students: string; staff: string } {
  const s = ['class,shift,student_code,name_km,name_en,sex,date_of_birth,guardian_name,guardian_phone,guardian_relation'];
  for (let n = 0; n < STUDENTS; n++) {
    const c = Math.floor(n / CLASS_SIZE);
    const cls = `${(c % 12) + 1}${String.fromCharCode(65 + (Math.floor(c / 12) % 26))}${Math.floor(c / 312) || ''}`;
    s.push(`${cls},morning,Q-${n},សិស្ស ${n},Student ${n},${n % 2 ? 'F' : 'M'},2014-01-01,ម្តាយ ${n},0${12000000 + n},mother`);
  }
  const t = ['staff_code,name_km,name_en,sex,phone,role,homeroom_class,subjects'];
  for (let g = 0; g < GATES; g++) t.push(`G-${g},យាម ${g},Gate ${g},M,0${77000000 + g},gatekeeper,,`);
  return { students: s.join('\n'), staff: t.join('\n') };
}

let updateId = 1;
const startUpdate = (userId: number, token: string) => ({
  update_id: updateId++,
  message: {
    message_id: updateId,
    date: 0,
    chat: { id: userId, type: 'private' as const, first_name: 'G' },
    from: { id: userId, is_bot: false, first_name: 'G' },
    text: `/start ${token}`,
    entities: [{ type: 'bot_command' as const, offset: 0, length: 6 }],
  },
});

/** Runs `work` for every item with `lanes` concurrent lanes (lane i takes items i, i+lanes, …). */
async function inLanes<T>(items: T[], lanes: number, work: (item: T, lane: number) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (let i = lane; i < items.length; i += lanes) await work(items[i]!, lane);
    }),
  );
  return (performance.now() - t0) / 1000;
}

const bench: Bench = {
  name: 'checkin',
  description: `${GATES} gates scan ${STUDENTS.toLocaleString('en-US')} cards through the bot (check-in + notices)`,
  async run(): Promise<BenchResult> {
    const database = await createTestDatabase({ max: Number(process.env.BENCH_POOL ?? 10), genericPlans: true });
    try {
      const { db } = database;
      await addSchool(db, { code: 'GATE', nameKm: 'សាលា', nameEn: 'Gate School', province: 'PP' }, 'cli');
      const files = rosters();
      const s = await importStudents(db, { schoolCode: 'GATE', file: { name: 's.csv', bytes: Buffer.from(files.students) }, actor: 'cli' });
      const t = await importStaff(db, { schoolCode: 'GATE', file: { name: 't.csv', bytes: Buffer.from(files.staff) }, actor: 'cli' });
      if (!s.ok || !t.ok) throw new Error('roster import failed');
      await ensureCheckinPartitions(db, DAY);
      await db.execute(sql`update staff set telegram_user_id = 100000 + id`);
      await db.execute(sql`update guardians set telegram_user_id = 2000000 + id`);
      await db.execute(sql`insert into telegram_accounts (telegram_user_id, locale) select telegram_user_id, 'km'::locale from staff union all select telegram_user_id, 'km'::locale from guardians`);
      await db.execute(sql`insert into student_cards (student_id, school_id, issued_by) select id, school_id, 'bench' from students`);
      await db.execute(sql`analyze`);
      const gates = (await database.rows<{ uid: string }>(sql`select telegram_user_id as uid from staff order by id`)).map((r) => Number(r.uid));
      const studentIds = (await database.rows<{ id: string }>(sql`select id from students order by id`)).map((r) => Number(r.id));

      const tg = new FakeTelegram();
      let now = at(WARM_DAY);
      const deps = createAppDeps({ database, log: createLogger('silent'), defaultLocale: 'km', kickOutbox: () => {}, now: () => now });
      const bot = createBot({ token: '1:BENCH-TOKEN-abcdefghij', deps, fetch: tg.fetch, botInfo: BOT_INFO, capabilities: CAPABILITIES, rateLimit: { max: 1e9, windowMs: 1000 } });
      await bot.init();
      const tokens = studentIds.map((id) => signCard(deps.cardSecret, { studentId: id, version: 1 }));

      // Warm-up (untimed): last Monday's rush, a quarter of the school.
      const warm = tokens.slice(0, Math.floor(tokens.length / 4));
      await inLanes(warm, GATES, (token, lane) => bot.handleUpdate(startUpdate(gates[lane]!, token)));
      tg.clear();

      // Baseline: the same rows as plain single-row inserts, same pool, same concurrency.
      await db.execute(sql`create table checkins_plain (like checkins including defaults including constraints)`);
      await db.execute(sql`alter table checkins_plain add primary key (student_id, day, shift)`);
      const [school] = await database.rows<{ id: number }>(sql`select id from schools where code = 'GATE'`);
      const classOf = new Map((await database.rows<{ id: string; class_id: number }>(sql`select id, class_id from students`)).map((r) => [Number(r.id), Number(r.class_id)]));
      const plainSeconds = await inLanes(studentIds, GATES, (id) =>
        db.execute(sql`
          insert into checkins_plain (student_id, day, shift, school_id, class_id, arrived_at, arrived_time, late, arrived_by, arrived_via, last_scan_at)
          values (${id}, ${DAY}, 'morning', ${Number(school!.id)}, ${classOf.get(id)!}, now(), '07:05', false, 1, 'camera', now())`),
      );

      // Measured: today's rush, every student once.
      now = at(DAY);
      const cpu0 = process.cpuUsage();
      const botSeconds = await inLanes(tokens, GATES, (token, lane) => bot.handleUpdate(startUpdate(gates[lane]!, token)));
      const cpu = process.cpuUsage(cpu0);

      const [rows] = await database.rows<{ n: number }>(sql`select count(*)::int as n from checkins where day = ${DAY}`);
      const [notices] = await database.rows<{ n: number }>(sql`select count(*)::int as n from outbox where dedupe_key like ${`arr:${DAY}:%`}`);
      const replies = tg.callsOf('sendMessage').filter((c) => String(c.payload.text).startsWith('✅')).length;
      const rate = tokens.length / botSeconds;
      const plainRate = studentIds.length / plainSeconds;
      return {
        measured: 'check-ins per second through bot.handleUpdate (`/start <card token>`: grammY middleware, actor load, token verify, check-in insert, arrival notice into the outbox, audit row, reply) with one lane per gate',
        data: `${STUDENTS.toLocaleString('en-US')} students, one guardian each on Telegram, ${GATES} gate keepers scanning concurrently, after an untimed warm-up of ${warm.length.toLocaleString('en-US')} scans; Postgres ${database.kind}, pool ${process.env.BENCH_POOL ?? 10}`,
        figures: [
          { label: 'check-ins per second', value: rate, unit: '/s', target: '≥ 2,000', ok: rate >= 2000 },
          { label: 'plain single-row inserts per second', value: plainRate, unit: '/s' },
          { label: 'check-ins stored', value: Number(rows!.n), target: `= ${tokens.length}`, ok: Number(rows!.n) === tokens.length },
          { label: 'arrival notices queued', value: Number(notices!.n), target: `= ${tokens.length}`, ok: Number(notices!.n) === tokens.length },
          { label: 'arrival replies to gate keepers', value: replies, target: `= ${tokens.length}`, ok: replies === tokens.length },
          { label: 'bot process CPU per check-in', value: ((cpu.user + cpu.system) / 1000) / tokens.length, unit: 'ms' },
        ],
        primary: { label: 'check-ins per second', value: rate, unit: '/s' },
        baseline: { label: 'plain single-row INSERTs of the same rows, same pool and concurrency', value: plainRate, unit: '/s', measuredInRun: true },
        target: '≥ 2,000 check-ins/s on this 2-core machine',
        notes: [`bot phase ${fmt(botSeconds, 2)} s wall, bot process CPU ${fmt((cpu.user + cpu.system) / 1e6, 2)} s (Postgres runs on the same 2 cores)`],
      };
    } finally {
      await database.drop();
    }
  },
};

export default bench;
