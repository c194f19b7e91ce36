/**
 * Scores at school scale: a 2,000-student school (50 classes of 40 in grades 7-9, 12 subjects, a
 * plan of 6 assessments: 2 monthly tests and an exam per semester, every score entered).
 *
 * 1. The year's results of the whole school in SQL (service-results.ts), with the bare query's
 *    own execution time (EXPLAIN ANALYZE) beside it. Target ≤ 1 s.
 * 2. Report-card pictures drawn from the published snapshots (`--cards N`, default 2,000).
 *    Target ≤ 60 s for 2,000 (per-card ms printed; a smaller N is extrapolated and says so).
 * 3. 50 homeroom teachers at once each send a 40-student typed list and press Confirm, through
 *    bot.handleUpdate (grammY, actor load, access checks, validation, draft, all-or-nothing save,
 *    audit). Target: Confirm p95 ≤ 150 ms. Baseline: a bare grammY bot answering /ping at the same
 *    concurrency, in the same run.
 */
import { Bot } from 'grammy';
import { sql } from 'drizzle-orm';
import { createAppDeps, CAPABILITIES } from '../../src/app.js';
import { createBot } from '../../src/core/telegram/bot.js';
import { createLogger } from '../../src/core/logger.js';
import { importStaff, importStudents } from '../../src/roster/service.js';
import { addSchool } from '../../src/schools/service.js';
import { acceptDefaultPlan } from '../../src/scores/service-setup.js';
import { computeResults, resultsQuery, withResultsMemory } from '../../src/scores/service-results.js';
import { publishClass } from '../../src/scores/service-publish.js';
import { cardPictures } from '../../src/scores/service-cards.js';
import { renderCard } from '../../src/scores/cards.js';
import { createTestDatabase } from '../../test/support/db.js';
import { BOT_INFO, FakeTelegram } from '../../test/support/telegram.js';
import type { Bench, BenchResult } from './types.js';
import { fmt, percentile, timed } from './types.js';

/** BENCH_PROFILE=file.cpuprofile: a CPU profile of the second round of saves */
const profiler = {
  session: undefined as import('node:inspector/promises').Session | undefined,
  async start() {
    const { Session } = await import('node:inspector/promises');
    this.session = new Session();
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.start');
  },
  async stop(file: string) {
    const { profile } = await this.session!.post('Profiler.stop');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, JSON.stringify(profile));
    this.session!.disconnect();
  },
};

const CLASSES = 50;
const CLASS_SIZE = 40;
const argCards = process.argv.indexOf('--cards');
const CARDS = argCards > 0 ? Number(process.argv[argCards + 1]) : Number(process.env.BENCH_CARDS ?? 2000);

const className = (c: number) => `${7 + (c % 3)}${String.fromCharCode(65 + Math.floor(c / 3))}`;

let updateId = 1;
const message = (userId: number, text: string, command = false) => ({
  update_id: updateId++,
  message: {
    message_id: updateId,
    date: 0,
    chat: { id: userId, type: 'private' as const, first_name: 'T' },
    from: { id: userId, is_bot: false, first_name: 'T' },
    text,
    ...(command ? { entities: [{ type: 'bot_command' as const, offset: 0, length: text.split(' ')[0]!.length }] } : {}),
  },
});
const callback = (userId: number, data: string) => ({
  update_id: updateId++,
  callback_query: { id: `${userId}:${updateId}`, from: { id: userId, is_bot: false, first_name: 'T' }, chat_instance: 'c', data, message: { message_id: 1, date: 0, chat: { id: userId, type: 'private' as const, first_name: 'T' }, text: 'x' } },
});

const bench: Bench = {
  name: 'scores',
  description: 'term results of a 2,000-student school in SQL; report-card pictures; 50 teachers saving 40-student sheets at once',
  async run(): Promise<BenchResult> {
    const database = await createTestDatabase({ max: Number(process.env.BENCH_POOL ?? 10), genericPlans: true });
    try {
      const { db } = database;
      await addSchool(db, { code: 'BENCH', nameKm: 'សាលាសាកល្បង', nameEn: 'Bench School', province: 'PP' }, 'cli');
      const students = ['class,shift,student_code,name_km,name_en,sex,date_of_birth,guardian_name,guardian_phone,guardian_relation'];
      for (let c = 0; c < CLASSES; c++)
        for (let i = 0; i < CLASS_SIZE; i++) students.push(`${className(c)},morning,S-${c}-${i},សិស្ស ស្រីមុំ ${c} ${i},Student ${c} ${i},${i % 2 ? 'F' : 'M'},2013-01-01,ម្តាយ,0${12000000 + c * CLASS_SIZE + i},mother`);
      const staff = ['staff_code,name_km,name_en,sex,phone,role,homeroom_class,subjects', 'P-0,នាយក,Principal,F,076000000,principal,,'];
      for (let t = 0; t < CLASSES; t++) staff.push(`B${String(t).padStart(3, '0')},គ្រូ ${t},Teacher ${t},${t % 2 ? 'F' : 'M'},0${77000000 + t},teacher,${className(t)},`);
      const s = await importStudents(db, { schoolCode: 'BENCH', file: { name: 's.csv', bytes: Buffer.from(students.join('\n')) }, actor: 'cli' });
      const st = await importStaff(db, { schoolCode: 'BENCH', file: { name: 't.csv', bytes: Buffer.from(staff.join('\n')) }, actor: 'cli' });
      if (!s.ok || !st.ok) throw new Error('roster import failed');
      const [school] = await database.rows<{ id: number }>(sql`select id from schools where code = 'BENCH'`);
      const schoolId = Number(school!.id);
      const plan = await acceptDefaultPlan(db, schoolId, 'cli', 'kh-practice', 2);
      if (!plan.ok) throw new Error('plan failed');
      const planId = plan.plan.id;
      // every score of every assessment, deterministic
      await db.execute(sql`
        insert into scores (assessment_id, subject_id, student_id, school_id, class_id, value, absent, entered_by, via)
        select a.id, ss.id, s.id, s.school_id, s.class_id, round((ss.max_score * (0.3 + ((s.id * 7 + ss.id * 13 + a.id * 5) % 70) / 100.0))::numeric, 1), false, 'bench', 'office'
          from students s join classes c on c.id = s.class_id join score_subjects ss on ss.school_id = s.school_id and ss.grade = c.grade
          cross join assessments a where a.plan_id = ${planId} and s.school_id = ${schoolId}`);
      await db.execute(sql`analyze`);
      const [{ n: cells }] = (await database.rows<{ n: number }>(sql`select count(*)::int n from scores`)) as [{ n: number }];

      // 1. results in SQL
      const scope = { planId, period: 'y' as const };
      await computeResults(database, scope); // warm
      const serviceTimes: number[] = [];
      let students2 = 0;
      for (let i = 0; i < 3; i++) serviceTimes.push(await timed(async () => (students2 = (await computeResults(database, scope)).length)));
      const explain = await withResultsMemory(database, (tx) => database.rows<{ 'QUERY PLAN': Array<{ 'Execution Time': number }> }>(sql`explain (analyze, format json) ${resultsQuery(scope)}`, tx));
      const bareMs = explain[0]!['QUERY PLAN'][0]!['Execution Time'];
      if (process.env.BENCH_EXPLAIN) {
        const text = await withResultsMemory(database, (tx) => database.rows<{ 'QUERY PLAN': string }>(sql`explain (analyze) ${resultsQuery(scope)}`, tx));
        console.log(text.map((r) => r['QUERY PLAN']).join('\n'));
      }
      const resultsMs = Math.min(...serviceTimes);

      // 2. report cards: publish every class for semester 1, then draw CARDS pictures
      const classIds = (await database.rows<{ id: number }>(sql`select id from classes where school_id = ${schoolId} order by id`)).map((r) => Number(r.id));
      const notifier = createAppDeps({ database, log: createLogger('silent'), defaultLocale: 'km', kickOutbox: () => {} }).notifier;
      const publishMs = await timed(async () => {
        for (const id of classIds) {
          const r = await publishClass(database, notifier, { schoolId, classId: id, period: 't1', actor: 'cli' });
          if (!r.ok) throw new Error(`publish failed: ${JSON.stringify(r)}`);
        }
      });
      const pubs = (await database.rows<{ id: number }>(sql`select id from score_publications order by id`)).map((r) => Number(r.id));
      let drawn = 0;
      const cardMs = await timed(async () => {
        for (const pub of pubs) {
          if (drawn >= CARDS) break;
          for (const p of await cardPictures(db, notifier, pub, 'km')) {
            if (drawn >= CARDS) break;
            await renderCard(p.picture);
            drawn++;
          }
        }
      });
      const perCard = cardMs / drawn;
      const cards2000 = (perCard * 2000) / 1000;

      // 3. 50 teachers save a 40-student sheet at once through the bot
      await db.execute(sql`update staff set telegram_user_id = 300000 + id where school_id = ${schoolId}`);
      await db.execute(sql`insert into telegram_accounts (telegram_user_id, locale) select telegram_user_id, 'km'::locale from staff where school_id = ${schoolId} on conflict do nothing`);
      await db.execute(sql`delete from scores where assessment_id = (select id from assessments where plan_id = ${planId} and code = 's2')`);
      const teachers = (await database.rows<{ uid: string; cls: string }>(sql`select s.telegram_user_id uid, c.name cls from staff s join classes c on c.homeroom_staff_id = s.id order by s.id`)).map((r) => ({ uid: Number(r.uid), cls: r.cls }));
      const tg = new FakeTelegram();
      const deps = createAppDeps({ database, log: createLogger('silent'), defaultLocale: 'km', kickOutbox: () => {} });
      const bot = createBot({ token: '1:BENCH-TOKEN-abcdefghij', deps, fetch: tg.fetch, botInfo: BOT_INFO, capabilities: CAPABILITIES, rateLimit: { max: 1e6, windowMs: 1000 } });
      await bot.init();
      const bare = new Bot('1:BENCH-TOKEN-abcdefghij', { botInfo: BOT_INFO, client: { fetch: tg.fetch } });
      bare.command('ping', (ctx) => ctx.reply('pong'));
      await bare.init();
      const bareTimes: number[] = [];
      for (let round = 0; round < 3; round++) bareTimes.push(...(await Promise.all(teachers.map((x) => timed(() => bare.handleUpdate(message(x.uid, '/ping', true)))))));
      const list = (round: number) => Array.from({ length: CLASS_SIZE }, (_, i) => (i === 5 ? 'ab' : String(((i * 3 + round) % 90) + 10))).join(' ');
      const typedTimes: number[] = [];
      const saveTimes: number[] = [];
      /** the bot process's CPU time while the 50 saves of a round ran, against that round's wall time */
      const saveCpu: Array<{ cpuMs: number; wallMs: number }> = [];
      // Round 0 is the first save this process ever makes (code not yet compiled by the JIT): a
      // running server has saved sheets before, so it is reported apart and the target is read on
      // rounds 1-3, as the attendance benchmark plays last Monday first.
      const coldTimes: number[] = [];
      for (let round = 0; round < 4; round++) {
        tg.clear();
        const typed = await Promise.all(teachers.map((x) => timed(() => bot.handleUpdate(message(x.uid, `${x.cls} maths s2: ${list(round)}`)))));
        if (round > 0) typedTimes.push(...typed);
        const confirmOf = (uid: number) => {
          const call = tg.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === uid).at(-1);
          return call?.payload.reply_markup?.inline_keyboard?.[0]?.[0]?.callback_data as string | undefined;
        };
        const presses = teachers.map((x) => ({ uid: x.uid, data: confirmOf(x.uid) }));
        if (presses.some((p) => !p.data)) throw new Error('a teacher got no preview');
        if (round === 2 && process.env.BENCH_PROFILE) await profiler.start();
        const cpu = process.cpuUsage();
        const wall = performance.now();
        const times = await Promise.all(presses.map((p) => timed(() => bot.handleUpdate(callback(p.uid, p.data!)))));
        const used = process.cpuUsage(cpu);
        if (round === 0) {
          coldTimes.push(...times);
          continue;
        }
        saveTimes.push(...times);
        saveCpu.push({ cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - wall });
        if (round === 2 && process.env.BENCH_PROFILE) await profiler.stop(process.env.BENCH_PROFILE);
      }
      // the same save one teacher at a time: what a save costs without waiting for the others
      const aloneTimes: number[] = [];
      for (const x of teachers.slice(0, 20)) {
        tg.clear();
        await bot.handleUpdate(message(x.uid, `${x.cls} maths s2: ${list(7)}`));
        const data = tg.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === x.uid).at(-1)?.payload.reply_markup?.inline_keyboard?.[0]?.[0]?.callback_data as string;
        aloneTimes.push(await timed(() => bot.handleUpdate(callback(x.uid, data))));
      }
      const [{ n: saved }] = (await database.rows<{ n: number }>(sql`select count(*)::int n from scores where assessment_id = (select id from assessments where plan_id = ${planId} and code = 's2') and subject_id in (select id from score_subjects where code = 'maths')`)) as [{ n: number }];
      if (saved !== CLASSES * CLASS_SIZE) throw new Error(`saved ${saved} scores, expected ${CLASSES * CLASS_SIZE}`);
      const saveP95 = percentile(saveTimes, 95);
      const bareP95 = percentile(bareTimes, 95);
      return {
        measured:
          'the year results of the whole school in one SQL statement (service and bare execution time); report-card PNGs drawn from published snapshots; typed list + Confirm through bot.handleUpdate, 50 teachers at once, 3 rounds after an untimed first round (its save p95 shown apart as cold)',
        data: `${students2} students, 12 subjects per grade, 6 assessments, ${cells} scores; ${drawn} cards; ${teachers.length} teachers × ${CLASS_SIZE} students`,
        figures: [
          { label: 'results (service)', value: resultsMs, unit: 'ms', target: '≤ 1000', ok: resultsMs <= 1000 },
          { label: 'results (bare query)', value: bareMs, unit: 'ms' },
          { label: 'publish 50 classes', value: publishMs, unit: 'ms' },
          { label: 'cards drawn', value: drawn },
          { label: 'per card', value: perCard, unit: 'ms' },
          { label: '2,000 cards', value: cards2000, unit: 's', target: '≤ 60', ok: cards2000 <= 60 },
          { label: 'typed list p95', value: percentile(typedTimes, 95), unit: 'ms' },
          { label: 'save p50', value: percentile(saveTimes, 50), unit: 'ms' },
          { label: 'save p95', value: saveP95, unit: 'ms', target: '≤ 150', ok: saveP95 <= 150 },
          { label: 'save p95, first round (cold)', value: percentile(coldTimes, 95), unit: 'ms' },
          { label: 'save alone p50', value: percentile(aloneTimes, 50), unit: 'ms' },
          { label: 'bot CPU per save', value: saveCpu.reduce((a, r) => a + r.cpuMs, 0) / (saveCpu.length * teachers.length), unit: 'ms' },
          { label: 'bot CPU / wall (saves)', value: (100 * saveCpu.reduce((a, r) => a + r.cpuMs, 0)) / saveCpu.reduce((a, r) => a + r.wallMs, 0), unit: '%' },
          { label: 'bare bot p95', value: bareP95, unit: 'ms' },
        ],
        primary: { label: 'save p95', value: saveP95, unit: 'ms' },
        baseline: { label: 'bare grammY /ping p95 (same concurrency)', value: bareP95, unit: 'ms', measuredInRun: true },
        target: 'results ≤ 1 s; 2,000 cards ≤ 60 s; sheet save p95 ≤ 150 ms with 50 teachers at once',
        notes: [drawn < 2000 ? `2,000 cards extrapolated from ${drawn} (${fmt(perCard, 1)} ms each, one process)` : `drew all ${drawn} cards in ${fmt(cardMs / 1000, 1)} s`],
      };
    } finally {
      await database.drop();
    }
  },
};

export default bench;
