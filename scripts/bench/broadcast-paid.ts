/**
 * `broadcast-paid`: the real rate of a paid broadcast. An urgent announcement (a voice message by
 * file_id) to N parents (default 5,000; `--recipients N` or BENCH_BROADCAST_N) is confirmed as a
 * paid broadcast through the real service path (createDraft → setUrgent → confirmAnnouncement with
 * a Stars budget, which reserves the messages and queues every row with allow_paid_broadcast), then
 * delivered by the real relay + sender configured as the worker configures it when
 * PAID_BROADCAST_STARS_PER_DAY is set (app.ts: paid rate 1,000/s, ordinary rate 30/s), against the
 * fake Bot API with a round trip of BENCH_PAID_LATENCY_MS (default 80 ms ± 10, about Asia to
 * Telegram's servers) that allows 1,000 paid messages per rolling second (and 30 others). Prints
 * the achieved rate and its ratio to 1,000/s, 429s, duplicates and recipients missing — all
 * measured in the run — and the most requests the sender had in flight.
 *
 * The fake API runs in a process of its own, as Telegram is not on the sender's event loop
 * (BENCH_PAID_FAKE_IN_PROCESS=1 puts it back in, sharing the sender's CPU). Everything shares this
 * machine's cores with Postgres and Redis.
 */
import { sql } from 'drizzle-orm';
import { loadActor } from '../../src/core/auth/actor.js';
import { createNotifier } from '../../src/app.js';
import { confirmAnnouncement, setUrgent } from '../../src/announcements/service.js';
import { deliveryReport } from '../../src/announcements/service-report.js';
import { PAID_SENDER_OPTIONS } from '../../src/core/queue/paid-broadcast.js';
import { PRINCIPAL_TG, recipientsWanted, seedSchool, voiceDraft } from './broadcast.js';
import { envInt, runPipeline, senderFigures, senderNotes } from './sender.js';
import { fmt, int, type Bench, type BenchResult, type Figure } from './types.js';

/** Telegram's paid broadcast limit (Bot API allow_paid_broadcast) */
export const PAID_LIMIT = 1000;
/**
 * The sender as app.ts starts it when PAID_BROADCAST_STARS_PER_DAY > 0. BENCH_PAID_CONCURRENCY=N
 * runs N jobs in flight, fixed, instead (what the worker did before: 64), to compare.
 */
const fixed = envInt('BENCH_PAID_CONCURRENCY', 0);
/** BENCH_PAID_FAKE_IN_PROCESS=1: the fake API on the sender's own event loop (its CPU counted with the sender's) */
const inProcess = process.env.BENCH_PAID_FAKE_IN_PROCESS === '1';
const PAID_SENDER = fixed > 0 ? { paidRatePerSecond: PAID_SENDER_OPTIONS.paidRatePerSecond, concurrency: fixed } : PAID_SENDER_OPTIONS;

const bench: Bench = {
  name: 'broadcast-paid',
  description: 'an urgent announcement to N parents as a paid broadcast (allow_paid_broadcast) through the service, relay and sender: rate against 1,000/s with an 80 ms round trip',
  async run(): Promise<BenchResult> {
    const n = recipientsWanted(process.argv, 5_000);
    const latencyMs = envInt('BENCH_PAID_LATENCY_MS', 80);
    const jitterMs = Math.min(10, latencyMs);
    const notifier = createNotifier({ DEFAULT_LOCALE: 'km' });
    const made = { confirmMs: 0, written: 0, paidRows: 0, reservedMessages: 0, announcementId: 0 };
    let report: Awaited<ReturnType<typeof deliveryReport>> | null = null;
    // enough Stars for the whole broadcast (0.1 Star a message), and no more than that
    const starsPerDay = Math.ceil(n / 10);

    const r = await runPipeline({
      n,
      latencyMs,
      jitterMs,
      fake: { paidPerSecond: PAID_LIMIT },
      fakeInChild: !inProcess,
      // the worker's pool as deployed (openDatabase's default)
      poolSize: 10,
      sender: PAID_SENDER,
      fill: async (database) => {
        await seedSchool(database, n);
        const actor = await loadActor(database.db, PRINCIPAL_TG);
        const now = new Date();
        const draft = await voiceDraft(database, actor, notifier, 'សាលាបិទថ្ងៃនេះ ដោយសារទឹកជំនន់ — សូមកុំនាំកូនមកសាលា', now);
        made.announcementId = draft.preview.id;
        const urgent = await setUrgent(database.db, actor, draft.preview.id, true, now);
        if (!urgent.ok) throw new Error(`urgent refused: ${urgent.reason}`);
        const t = performance.now();
        const confirmed = await confirmAnnouncement(database.db, actor, draft.preview.id, notifier, now, { starsPerDay });
        made.confirmMs = performance.now() - t;
        if (!confirmed.ok) throw new Error(`confirm refused: ${confirmed.reason}`);
        made.written = confirmed.recipients;
        const [rows] = await database.rows<{ paid: number; reserved: number }>(sql`
          select (select count(*)::int from outbox where (payload ->> 'allow_paid_broadcast')::boolean) as paid,
                 (select coalesce(sum(messages), 0)::int from paid_broadcast_days) as reserved`);
        made.paidRows = Number(rows!.paid);
        made.reservedMessages = Number(rows!.reserved);
        if (made.written !== n || made.paidRows !== n) throw new Error(`queued ${made.written} rows, ${made.paidRows} paid; expected ${n}`);
      },
      afterDrain: async (database) => {
        report = await deliveryReport(database.db, made.announcementId);
      },
    });

    const missing = n - (r.fake.accepted - r.fake.duplicates);
    const delivered = (report as Awaited<ReturnType<typeof deliveryReport>> | null)?.delivered ?? 0;
    const figures: Figure[] = [
      { label: 'rows queued paid (allow_paid_broadcast)', value: made.paidRows, target: `= ${int(n)}`, ok: made.paidRows === n },
      { label: 'messages reserved against the Stars budget', value: made.reservedMessages, target: `= ${int(n)}`, ok: made.reservedMessages === n },
      { label: 'confirm (reserve + write every recipient)', value: fmt(made.confirmMs, 0), unit: 'ms' },
      ...senderFigures(r, PAID_LIMIT, 0.8),
      { label: 'paid messages accepted by the fake API', value: r.fake.acceptedPaid, target: `= ${int(n)}`, ok: r.fake.acceptedPaid === n },
      { label: 'most paid accepted in any rolling second', value: r.fake.maxPaidInWindow, target: `≤ ${int(PAID_LIMIT)}`, ok: r.fake.maxPaidInWindow <= PAID_LIMIT },
      { label: 'most jobs in flight (sender concurrency)', value: r.maxConcurrency },
      { label: `CPU of the sender's process (sender + relay${inProcess ? ' + fake API' : ''}) per message`, value: r.cpuMsPerRow, unit: 'ms' },
      { label: 'recipients missing', value: missing, target: '= 0', ok: missing === 0 },
      { label: 'delivery report: delivered', value: delivered, target: `= ${int(n)}`, ok: delivered === n },
    ];
    const ratio = r.rate / PAID_LIMIT;
    return {
      measured: 'paid broadcast messages/s accepted by the fake Bot API between the first and the last, for an urgent announcement confirmed as a paid broadcast through the service; 429s, duplicates, recipients missing',
      data: `${int(n)} parents (one linked guardian per student, 1 school), a voice message by file_id; relay + 1 sender as app.ts sets it with a Stars budget, Postgres pool 10 (paid 1,000/s, ordinary 30/s, ${fixed > 0 ? `${fixed} jobs in flight, fixed` : `jobs in flight following the paid rate, 8 to ${PAID_SENDER_OPTIONS.maxConcurrency}`}); fake API: 1,000 paid + 30 other per rolling second, 1/s per chat, round trip ${latencyMs} ± ${jitterMs} ms, ${inProcess ? "in the sender's process" : 'in a process of its own'}`,
      figures,
      primary: { label: 'paid send rate', value: r.rate, unit: 'msg/s' },
      baseline: { label: "Telegram's paid broadcast limit", value: PAID_LIMIT, unit: 'msg/s', measuredInRun: false },
      target: `≥ 80 % of 1,000 msg/s (measured ${fmt(ratio * 100, 1)} %), 0 429s, 0 duplicates, 0 missing`,
      notes: senderNotes(r),
    };
  },
};

export default bench;
