/**
 * `broadcast`: a principal's announcement (a voice message, by file_id) to every parent of a
 * synthetic school, N direct recipients (default 10,000; `--recipients N` or BENCH_BROADCAST_N for
 * a quicker run), made through the real service (createDraft → confirmAnnouncement, which writes
 * one outbox row per recipient), then delivered by the real relay + sender against the fake Bot
 * API (30 messages per rolling second, 1/s per chat, 429 beyond), with the sender force-closed
 * half-way and a new one started. Prints the send rate and its ratio to the 30/s limit, 429s,
 * duplicates and recipients missing (both must be 0), and checks the delivery report.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/core/db/client.js';
import { loadActor, type Actor } from '../../src/core/auth/actor.js';
import type { Notifier } from '../../src/core/i18n/index.js';
import { createNotifier } from '../../src/app.js';
import { confirmAnnouncement, createDraft } from '../../src/announcements/service.js';
import { deliveryReport, finishAnnouncements } from '../../src/announcements/service-report.js';
import { seedSchools } from './synthetic.js';
import { envInt, runPipeline, senderFigures, senderNotes, TELEGRAM_LIMIT } from './sender.js';
import { fmt, int, type Bench, type BenchResult, type Figure } from './types.js';

export const PRINCIPAL_TG = 990_000_001;
const PARENT_TG_BASE = 100_000_000;

/** `--recipients N` / `--recipients=N` from the command line, else BENCH_BROADCAST_N, else 10,000 (or `fallback`). */
export function recipientsWanted(argv = process.argv, fallback = 10_000): number {
  const i = argv.findIndex((a) => a === '--recipients' || a.startsWith('--recipients='));
  const raw = i < 0 ? undefined : argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : envInt('BENCH_BROADCAST_N', fallback);
}

/** One school with `n` students, one linked guardian each (a fifth read English), and a linked principal. */
/** The principal's voice announcement to every parent (and the class groups), as a draft. */
export async function voiceDraft(database: Database, actor: Actor, notifier: Notifier, caption: string, now: Date) {
  const draft = await createDraft(
    database.db,
    actor,
    { content: { kind: 'voice', fileId: 'AwACAgUAAxkBAAIBenchVoiceFileId', fileSize: 61_440, caption }, audience: { kind: 'parents' }, viaGroups: true, sendAt: null },
    notifier,
    now,
  );
  if (!draft.ok) throw new Error(`draft refused: ${draft.reason}`);
  return draft;
}

export async function seedSchool(database: Database, n: number): Promise<void> {
  const seeded = await seedSchools(database, { schools: 1, studentsPerSchool: n, classSize: 40, month: '2026-11', days: 1, shifts: 2, vacuum: false });
  const schoolId = seeded.schoolIds[0]!;
  await database.rows(sql`
    insert into guardians (school_id, phone, telegram_user_id)
    select s.school_id, '+8551' || lpad(s.id::text, 8, '0'), ${PARENT_TG_BASE}::bigint + s.id from students s where s.school_id = ${schoolId}`);
  await database.rows(sql`
    insert into student_guardians (student_id, guardian_id, school_id, relation)
    select s.id, g.id, s.school_id, 'mother' from students s join guardians g on g.telegram_user_id = ${PARENT_TG_BASE}::bigint + s.id`);
  await database.rows(sql`
    insert into telegram_accounts (telegram_user_id, locale)
    select telegram_user_id, (case when telegram_user_id % 5 = 0 then 'en' else 'km' end)::locale from guardians where school_id = ${schoolId}`);
  await database.rows(sql`insert into staff (school_id, staff_code, name_km, name_en, telegram_user_id) values (${schoolId}, 'P-1', 'នាយក សុខ', 'Principal Sok', ${PRINCIPAL_TG})`);
  await database.rows(sql`insert into staff_roles (staff_id, school_id, role) select id, school_id, 'principal' from staff where telegram_user_id = ${PRINCIPAL_TG}`);
  await database.rows(sql`insert into telegram_accounts (telegram_user_id, locale) values (${PRINCIPAL_TG}, 'km')`);
  await database.rows(sql`vacuum analyze students, guardians, student_guardians, telegram_accounts`);
}

const bench: Bench = {
  name: 'broadcast',
  description: "an announcement to N direct recipients through the service, relay and sender, worker killed half-way: rate, 429s, exactly one message each",
  async run(): Promise<BenchResult> {
    const n = recipientsWanted();
    const notifier = createNotifier({ DEFAULT_LOCALE: 'km' });
    const made = { seedMs: 0, draftMs: 0, confirmMs: 0, previewCount: 0, written: 0, announcementId: 0 };
    const after = { report: null as Awaited<ReturnType<typeof deliveryReport>> | null, reportsWritten: 0, reportsAgain: 0 };

    const r = await runPipeline({
      n,
      restartAtFraction: 0.5,
      fill: async (database) => {
        let t = performance.now();
        await seedSchool(database, n);
        made.seedMs = performance.now() - t;
        const actor = await loadActor(database.db, PRINCIPAL_TG);
        t = performance.now();
        const draft = await voiceDraft(database, actor, notifier, 'សាលាឈប់សម្រាកថ្ងៃស្អែក ដោយសារទឹកជំនន់', new Date());
        made.draftMs = performance.now() - t;
        made.previewCount = draft.preview.count.total;
        made.announcementId = draft.preview.id;
        t = performance.now();
        const confirmed = await confirmAnnouncement(database.db, actor, draft.preview.id, notifier, new Date());
        made.confirmMs = performance.now() - t;
        if (!confirmed.ok) throw new Error(`confirm refused: ${confirmed.reason}`);
        made.written = confirmed.recipients;
        if (made.written !== n) throw new Error(`wrote ${made.written} recipients, expected ${n}`);
      },
      afterDrain: async (database) => {
        after.report = await deliveryReport(database.db, made.announcementId);
        after.reportsWritten = await finishAnnouncements(database, notifier);
        after.reportsAgain = await finishAnnouncements(database, notifier);
      },
    });

    const missing = n - (r.fake.accepted - r.fake.duplicates);
    const report = after.report;
    const figures: Figure[] = [
      { label: 'recipients in the preview', value: made.previewCount, target: `= ${int(n)}`, ok: made.previewCount === n },
      { label: 'outbox rows written at confirmation', value: made.written, target: `= ${int(n)}`, ok: made.written === n },
      { label: 'preview (count recipients)', value: fmt(made.draftMs, 0), unit: 'ms' },
      { label: 'confirm (write every recipient)', value: fmt(made.confirmMs, 0), unit: 'ms' },
      ...senderFigures(r),
      { label: 'recipients missing', value: missing, target: '= 0', ok: missing === 0 },
      {
        label: 'delivery report (delivered / unreachable / failed)',
        value: report ? `${int(report.delivered)} / ${int(report.unreachable)} / ${int(report.failed)}` : '-',
        target: `${int(n)} / 0 / 0`,
        ok: report?.delivered === n && report.unreachable === 0 && report.failed === 0,
      },
      { label: 'reports written (then on a second check)', value: `${after.reportsWritten} (${after.reportsAgain})`, target: '1 (0)', ok: after.reportsWritten === 1 && after.reportsAgain === 0 },
    ];
    const notes = senderNotes(r);
    if (r.restart) {
      notes.unshift(
        `worker force-closed after ${int(r.restart.atAccepted)} accepted (close(true) ${int(r.restart.closeMs)} ms); ` +
          `gap in deliveries around the restart ${r.restart.gapMs === null ? 'unknown' : `${int(r.restart.gapMs)} ms`}`,
      );
    }
    notes.push(`seeding the synthetic school (${int(n)} students, guardians, accounts): ${fmt(made.seedMs / 1000, 1)} s`);
    return {
      measured: 'an announcement through the service to N direct recipients, delivered by relay + sender with a forced worker restart half-way: send rate, 429s, exactly one message per recipient',
      data: `${int(n)} parents (one linked guardian per student, 1 school, ${int(Math.ceil(n / 40))} classes), a voice message by file_id with caption; fake API 30 per rolling second, 1/s per chat, latency 30 ± 10 ms; worker.close(true) at ~50 % then a new sender`,
      figures,
      primary: { label: 'send rate incl. restart', value: r.rate, unit: 'msg/s' },
      baseline: { label: "Telegram's global limit", value: TELEGRAM_LIMIT, unit: 'msg/s', measuredInRun: false },
      target: '≥ 95 % of 30 msg/s, 0 429s, 0 duplicates, 0 missing, report exact and written once',
      notes,
    };
  },
};

export default bench;
