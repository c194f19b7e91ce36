/**
 * The delivery report: once every message of an announcement is final (sent, unreachable, failed,
 * cancelled), its author gets one message counting them, per class and for staff.
 */
import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, type Database, type Executor } from '../core/db/client.js';
import { telegramAccounts, type Locale } from '../core/db/schema.js';
import { audit } from '../core/auth/audit.js';
import { formatNumber, type Notifier } from '../core/i18n/index.js';
import { addToOutbox } from '../core/queue/outbox.js';
import { REPORT_PRIORITY } from './rules.js';
import { announcements, type AnnouncementContent } from './schema.js';

// ---------------------------------------------------------------------------------------------
// The delivery report

export interface ClassLine {
  classId: number;
  className: string;
  /** true when the class got its announcement in its group */
  group: boolean;
  delivered: number;
  unreachable: number;
  failed: number;
  cancelled: number;
}

export interface DeliveryReport {
  id: number;
  delivered: number;
  unreachable: number;
  failed: number;
  cancelled: number;
  pending: number;
  classes: ClassLine[];
  staff: { delivered: number; unreachable: number; failed: number; cancelled: number } | null;
}

export async function deliveryReport(ex: Executor, id: number): Promise<DeliveryReport> {
  const rows = rowsOf<{ kind: string; classId: number | null; className: string | null; status: string; n: number }>(
    await ex.execute(sql`select d.kind, d.class_id as "classId", c.name as "className", o.status, count(*)::int as n, min(c.grade) as grade, min(c.section) as section
          from announcement_deliveries d
          join outbox o on o.dedupe_key = 'ann:' || d.announcement_id || ':' || d.chat_id
          left join classes c on c.id = d.class_id
         where d.announcement_id = ${id}
         group by d.kind, d.class_id, c.name, o.status
         order by min(c.grade) nulls last, min(c.section), d.class_id`),
  );
  const report: DeliveryReport = { id, delivered: 0, unreachable: 0, failed: 0, cancelled: 0, pending: 0, classes: [], staff: null };
  const bucket = (status: string) => (status === 'sent' ? 'delivered' : status === 'unreachable' ? 'unreachable' : status === 'failed' ? 'failed' : status === 'cancelled' ? 'cancelled' : 'pending');
  const byClass = new Map<number, ClassLine>();
  for (const r of rows) {
    const b = bucket(r.status);
    const n = Number(r.n);
    report[b] += n;
    if (b === 'pending') continue;
    if (r.kind === 'staff' || r.classId === null) {
      report.staff ??= { delivered: 0, unreachable: 0, failed: 0, cancelled: 0 };
      report.staff[b] += n;
      continue;
    }
    const classId = Number(r.classId);
    let line = byClass.get(classId);
    if (!line) {
      line = { classId, className: r.className ?? '?', group: false, delivered: 0, unreachable: 0, failed: 0, cancelled: 0 };
      byClass.set(classId, line);
      report.classes.push(line);
    }
    if (r.kind === 'group') line.group = true;
    line[b] += n;
  }
  return report;
}

/** The report as the author reads it. */
export function renderReport(notifier: Notifier, locale: Locale, report: DeliveryReport, what: string): string {
  const n = (x: number) => formatNumber(locale, x);
  const t = (key: string, vars?: Record<string, string | number>) => notifier.t(locale, key, vars);
  const lines = [
    t('announcements-report-title', { what }),
    t('announcements-report-totals', { delivered: n(report.delivered), unreachable: n(report.unreachable), failed: n(report.failed) }),
  ];
  if (report.cancelled > 0) lines.push(t('announcements-report-cancelled', { count: n(report.cancelled) }));
  const classLines = report.classes.map((c) => ({
    trouble: c.unreachable + c.failed > 0,
    text: c.group
      ? t('announcements-report-class-group', { class: c.className, state: t(c.delivered > 0 ? 'announcements-report-group-delivered' : c.unreachable > 0 ? 'announcements-report-group-unreachable' : c.failed > 0 ? 'announcements-report-group-failed' : 'announcements-report-group-cancelled') })
      : t('announcements-report-class', { class: c.className, delivered: n(c.delivered), unreachable: n(c.unreachable), failed: n(c.failed) }),
  }));
  const tail: string[] = [];
  if (report.staff) tail.push(t('announcements-report-staff', { delivered: n(report.staff.delivered), unreachable: n(report.staff.unreachable), failed: n(report.staff.failed) }));
  if (report.unreachable > 0) tail.push(t('announcements-report-unreachable-hint'));
  const whole = [...lines, ...classLines.map((l) => l.text), ...tail].join('\n');
  if (whole.length <= REPORT_MAX_CHARS) return whole;
  // A whole school's report (hundreds of classes) is longer than one Telegram message: the
  // classes with unreachable or failed messages come first, the rest are counted in one line.
  const room = REPORT_MAX_CHARS - [...lines, ...tail].join('\n').length - 200;
  const kept: string[] = [];
  let used = 0;
  for (const l of [...classLines.filter((x) => x.trouble), ...classLines.filter((x) => !x.trouble)]) {
    if (used + l.text.length + 1 > room) break;
    kept.push(l.text);
    used += l.text.length + 1;
  }
  return [...lines, ...kept, t('announcements-report-more', { count: n(classLines.length - kept.length) }), ...tail].join('\n');
}

/** Telegram's 4,096 characters, with room to spare. */
const REPORT_MAX_CHARS = 4000;

/** A few words naming an announcement in its report: the start of its text, or its kind. */
export function describeContent(notifier: Notifier, locale: Locale, content: AnnouncementContent): string {
  const words = (content.kind === 'text' ? content.text : (content.caption ?? '')).replace(/\s+/g, ' ').trim();
  const kind = notifier.t(locale, `announcements-kind-${content.kind}`);
  if (!words) return kind;
  const short = words.length > 40 ? `${words.slice(0, 40)}…` : words;
  return content.kind === 'text' ? `«${short}»` : `${kind} «${short}»`;
}

/**
 * Writes the delivery report of every announcement whose messages are all final (sent,
 * unreachable, failed, cancelled) and that has not been reported: safe to run from several
 * processes and any number of times (the reported_at claim and the report's dedupe key make it
 * once). A cancelled announcement of which nothing went out gets no report: cancelling said it all.
 */
export async function finishAnnouncements(database: Database, notifier: Notifier, limit = 100): Promise<number> {
  const due = await database.rows<{ id: number | string }>(sql`
    select a.id from announcements a
     where a.reported_at is null and a.status in ('queued', 'cancelled')
       and coalesce(a.send_at, a.confirmed_at) <= now()
       and not exists (
         select 1 from announcement_deliveries d
           join outbox o on o.dedupe_key = 'ann:' || d.announcement_id || ':' || d.chat_id
          where d.announcement_id = a.id and o.status = 'pending')
     order by a.id
     limit ${limit}`);
  let reported = 0;
  for (const { id: rawId } of due) {
    const id = Number(rawId);
    const wrote = await database.db.transaction(async (tx) => {
      const [claimed] = await tx
        .update(announcements)
        .set({ reportedAt: sql`now()`, status: sql`case when ${announcements.status} = 'queued' then 'done'::announcement_status else ${announcements.status} end` })
        .where(and(eq(announcements.id, id), sql`${announcements.reportedAt} is null`))
        .returning({ schoolId: announcements.schoolId, author: announcements.authorTelegramId, content: announcements.content, status: announcements.status });
      if (!claimed) return false;
      const report = await deliveryReport(tx, id);
      if (claimed.status === 'cancelled' && report.delivered + report.unreachable + report.failed === 0) return false;
      const [account] = await tx.select({ locale: telegramAccounts.locale }).from(telegramAccounts).where(eq(telegramAccounts.telegramUserId, claimed.author));
      const locale = account?.locale ?? notifier.defaultLocale;
      await addToOutbox(tx, {
        dedupeKey: `ann-report:${id}`,
        schoolId: claimed.schoolId,
        capability: 'announcements',
        entity: 'announcement',
        entityId: id,
        chatId: claimed.author,
        priority: REPORT_PRIORITY,
        payload: { text: renderReport(notifier, locale, report, describeContent(notifier, locale, claimed.content)) },
      });
      await audit(tx, { actor: 'system', schoolId: claimed.schoolId, action: 'announce.report', entity: 'announcement', entityId: id, details: { delivered: report.delivered, unreachable: report.unreachable, failed: report.failed, cancelled: report.cancelled } });
      return true;
    });
    if (wrote) reported++;
  }
  return reported;
}
