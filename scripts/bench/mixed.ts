/**
 * Mixed updates through the full stack: the bot with every capability on real Postgres (and the
 * Redis the production bot uses: duplicate check, per-chat lock, flood guard), fed a morning's mix
 * from 64 chats at once — gate scans (`/start <card>`), parents' /help and /whoami, texts nobody
 * asked for (the fallback), and out-of-date buttons. Baseline, same run, same updates, same lanes:
 * a bare grammY bot that answers every update with one message.
 */
import { randomBytes } from 'node:crypto';
import { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { sql } from 'drizzle-orm';
import { createAppDeps, CAPABILITIES } from '../../src/app.js';
import { createBot } from '../../src/core/telegram/bot.js';
import { createLogger } from '../../src/core/logger.js';
import { createBotRedis } from '../../src/core/queue/redis.js';
import { ensureCheckinPartitions } from '../../src/qr/scan-jobs.js';
import { signCard } from '../../src/qr/tokens.js';
import { importStaff, importStudents } from '../../src/roster/service.js';
import { addSchool } from '../../src/schools/service.js';
import { createTestDatabase } from '../../test/support/db.js';
import { BOT_INFO, FakeTelegram } from '../../test/support/telegram.js';
import type { Bench, BenchResult } from './types.js';
import { fmt, startProfile } from './types.js';

const UPDATES = Number(process.env.BENCH_UPDATES ?? 6000);
const LANES = 64;
const STUDENTS = 2000;
const GATES = 16;
const DAY = '2026-11-23';

let updateId = Date.now() % 1_000_000_000;
const message = (chat: number, text: string): Update => ({
  update_id: updateId++,
  message: {
    message_id: updateId,
    date: 0,
    chat: { id: chat, type: 'private', first_name: 'U' },
    from: { id: chat, is_bot: false, first_name: 'U' },
    text,
    ...(text.startsWith('/') ? { entities: [{ type: 'bot_command' as const, offset: 0, length: text.split(' ')[0]!.length }] } : {}),
  },
});
const button = (chat: number, data: string): Update => ({
  update_id: updateId++,
  callback_query: {
    id: String(updateId),
    from: { id: chat, is_bot: false, first_name: 'U' },
    chat_instance: 'x',
    data,
    message: { message_id: 1, date: 0, chat: { id: chat, type: 'private', first_name: 'U' }, text: 'x' },
  },
});

async function inLanes(lanes: Update[][], handle: (u: Update) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await Promise.all(lanes.map(async (lane) => { for (const u of lane) await handle(u); }));
  return (performance.now() - t0) / 1000;
}

const bench: Bench = {
  name: 'mixed',
  description: `${UPDATES.toLocaleString('en-US')} mixed updates from ${LANES} chats through the full stack vs a bare grammY handler`,
  async run(): Promise<BenchResult> {
    const database = await createTestDatabase({ max: 10, genericPlans: true });
    // The bot process's Redis client, with the production options.
    const redis = createBotRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    await new Promise<void>((resolve, reject) => { redis.once('ready', () => resolve()); redis.once('error', reject); });
    try {
      const { db } = database;
      await addSchool(db, { code: 'MIX', nameKm: 'សាលា', nameEn: 'Mixed School', province: 'PP' }, 'cli');
      const s = ['class,shift,student_code,name_km,name_en,sex,date_of_birth,guardian_name,guardian_phone,guardian_relation'];
      for (let n = 0; n < STUDENTS; n++) s.push(`${(n % 12) + 1}${String.fromCharCode(65 + Math.floor(n / 480))},morning,M-${n},សិស្ស ${n},Student ${n},M,2014-01-01,ម្តាយ,0${12000000 + n},mother`);
      const t = ['staff_code,name_km,name_en,sex,phone,role,homeroom_class,subjects'];
      for (let g = 0; g < GATES; g++) t.push(`G-${g},យាម ${g},Gate ${g},M,0${77000000 + g},gatekeeper,,`);
      if (!(await importStudents(db, { schoolCode: 'MIX', file: { name: 's.csv', bytes: Buffer.from(s.join('\n')) }, actor: 'cli' })).ok) throw new Error('students');
      if (!(await importStaff(db, { schoolCode: 'MIX', file: { name: 't.csv', bytes: Buffer.from(t.join('\n')) }, actor: 'cli' })).ok) throw new Error('staff');
      await ensureCheckinPartitions(db, DAY);
      const base = Math.floor(Math.random() * 1e8) + 1e9; // fresh chat ids: the duplicate check and flood guard start empty
      await db.execute(sql`update staff set telegram_user_id = ${base} + id`);
      await db.execute(sql`update guardians set telegram_user_id = ${base + 1_000_000} + id`);
      await db.execute(sql`insert into telegram_accounts (telegram_user_id, locale) select telegram_user_id, 'km'::locale from staff union all select telegram_user_id, 'km'::locale from guardians`);
      await db.execute(sql`insert into student_cards (student_id, school_id, issued_by) select id, school_id, 'bench' from students`);
      await db.execute(sql`analyze`);
      const gates = (await database.rows<{ uid: string }>(sql`select telegram_user_id as uid from staff order by id`)).map((r) => Number(r.uid));
      const parents = (await database.rows<{ uid: string }>(sql`select telegram_user_id as uid from guardians order by id`)).map((r) => Number(r.uid));
      const studentIds = (await database.rows<{ id: string }>(sql`select id from students order by id`)).map((r) => Number(r.id));

      const tg = new FakeTelegram();
      const now = new Date(`${DAY}T00:05:00Z`);
      const deps = createAppDeps({ database, log: createLogger('silent'), defaultLocale: 'km', kickOutbox: () => {}, now: () => now });
      const bot = createBot({ token: `1:MIXED-${randomBytes(6).toString('hex')}`, deps, fetch: tg.fetch, botInfo: BOT_INFO, capabilities: CAPABILITIES, redis, rateLimit: { max: 1e9, windowMs: 1000 } });
      await bot.init();
      const bare = new Bot('1:BENCH-TOKEN-abcdefghij', { botInfo: BOT_INFO, client: { fetch: tg.fetch } });
      bare.on('message', (ctx) => ctx.reply('ok'));
      bare.on('callback_query', (ctx) => ctx.answerCallbackQuery());
      await bare.init();

      // The mix, 64 lanes: 16 gate lanes scanning, 48 parent lanes asking (/help, /whoami, a
      // text, an out-of-date button). Each lane is one chat: its updates go in order.
      const make = () => {
        const lanes: Update[][] = Array.from({ length: LANES }, () => []);
        let card = 0;
        for (let i = 0; i < UPDATES; i++) {
          const lane = i % LANES;
          if (lane < GATES) lanes[lane]!.push(message(gates[lane]!, `/start ${signCard(deps.cardSecret, { studentId: studentIds[card++ % studentIds.length]!, version: 1 })}`));
          else {
            const parent = parents[(lane * 37 + Math.floor(i / LANES)) % parents.length]!;
            const kind = Math.floor(i / LANES) % 4;
            lanes[lane]!.push(kind === 0 ? message(parent, '/help') : kind === 1 ? message(parent, '/whoami') : kind === 2 ? message(parent, 'hello') : button(parent, 'zz:old:1'));
          }
        }
        return lanes;
      };
      // Warm-up (untimed), then both measured on the same mix.
      await inLanes(make().map((l) => l.slice(0, 10)), (u) => bot.handleUpdate(u));
      const bareSeconds = await inLanes(make(), (u) => bare.handleUpdate(u));
      tg.clear();
      const mix = make();
      // BENCH_PROFILE=<file>: a CPU profile of the measured full-stack run only (not the setup).
      const profiler = process.env.BENCH_PROFILE ? await startProfile() : null;
      const cpu0 = process.cpuUsage();
      const fullSeconds = await inLanes(mix, (u) => bot.handleUpdate(u));
      const cpu = process.cpuUsage(cpu0);
      if (profiler) await profiler.stop(process.env.BENCH_PROFILE!);
      const answered = tg.calls.length;
      const fullRate = UPDATES / fullSeconds;
      const bareRate = UPDATES / bareSeconds;
      const scans = mix.slice(0, GATES).reduce((n, l) => n + l.length, 0);
      return {
        measured: 'updates per second through bot.handleUpdate with every capability, Postgres and Redis (duplicate check, per-chat lock, flood guard), 64 chats at once',
        data: `${UPDATES} updates: ${scans} gate scans from ${GATES} gate keepers, the rest parents' /help, /whoami, free text and out-of-date buttons (48 chats); ${STUDENTS} students; Postgres ${database.kind}, pool 10`,
        figures: [
          { label: 'full stack updates per second', value: fullRate, unit: '/s', target: '≥ 1,000', ok: fullRate >= 1000 },
          { label: 'bare grammY handler updates per second', value: bareRate, unit: '/s' },
          { label: 'Bot API calls answered (full stack)', value: answered, target: `≥ ${UPDATES}`, ok: answered >= UPDATES },
          { label: 'bot process CPU per update', value: (cpu.user + cpu.system) / 1000 / UPDATES, unit: 'ms' },
        ],
        primary: { label: 'full stack updates per second', value: fullRate, unit: '/s' },
        baseline: { label: 'bare grammY handler, same updates and lanes', value: bareRate, unit: '/s', measuredInRun: true },
        target: '≥ 1,000 mixed updates/s on this 2-core machine',
        notes: [`full stack ${fmt(fullSeconds, 2)} s wall, bot process CPU ${fmt((cpu.user + cpu.system) / 1e6, 2)} s (Postgres and Redis run on the same 2 cores)`],
      };
    } finally {
      await redis.quit();
      await database.drop();
    }
  },
};

export default bench;
