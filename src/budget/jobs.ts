/**
 * Budget's worker queue: per school, a job scheduler on the first of each month (07:00 in the
 * school's time zone) sends each principal the year so far — plan against spending per line,
 * lines over plan, what waits for approval — with a button for the chart and the workbook.
 * One message per principal and month (the dedupe key), however often the job runs.
 */
import type { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../core/db/client.js';
import { schools } from '../core/db/schema.js';
import type { QueueSpec } from '../core/capability.js';
import { schoolClock, type Now } from '../core/clock.js';
import type { Notifier } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import { rowId } from '../core/queue/payloads.js';
import { schoolRecipients } from '../teaching/leave-flow.js';
import { budgetHome } from './buttons.js';
import { schoolBudget } from './service-report.js';
import { budgetSummary } from './view.js';

export const BUDGET_QUEUE = 'budget';

const budgetJob = z.discriminatedUnion('kind', [z.object({ kind: z.literal('monthly'), schoolId: rowId })]);
export type BudgetJob = z.infer<typeof budgetJob>;

export async function syncBudgetSchedules(db: Db, queue: Queue<BudgetJob>, schoolId?: number): Promise<number> {
  const list = await db.select({ id: schools.id, timezone: schools.timezone }).from(schools).where(schoolId === undefined ? undefined : eq(schools.id, schoolId));
  for (const school of list) {
    await queue.upsertJobScheduler(`budget-monthly-${school.id}`, { pattern: '0 7 1 * *', tz: school.timezone }, { name: 'monthly', data: { kind: 'monthly', schoolId: school.id }, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }
  return list.length;
}

/** The month's budget message to each linked principal of the school. */
export async function monthlyBudget(db: Db, input: { schoolId: number; now: Date }, notifier: Notifier): Promise<{ sent: number } | { skipped: string }> {
  const [school] = await db.select({ timezone: schools.timezone }).from(schools).where(eq(schools.id, input.schoolId));
  if (!school) return { skipped: 'no-school' };
  const today = schoolClock(school.timezone, input.now).day;
  // On 1 January the year to report is the one just closed.
  const year = today.slice(5) === '01-01' ? Number(today.slice(0, 4)) - 1 : Number(today.slice(0, 4));
  const report = await schoolBudget(db, input.schoolId, year);
  const messages: OutgoingMessage[] = (await schoolRecipients(db, input.schoolId, ['principal'])).map((p) => {
    const locale = p.locale ?? notifier.defaultLocale;
    return {
      dedupeKey: `budget:monthly:${input.schoolId}:${today.slice(0, 7)}:${p.staffId}`,
      schoolId: input.schoolId,
      capability: 'budget',
      entity: 'school',
      entityId: input.schoolId,
      chatId: p.chatId,
      priority: 9,
      payload: {
        text: `${notifier.t(locale, 'budget-monthly-intro')}\n\n${budgetSummary(report, locale, notifier.t)}`.slice(0, 4000),
        reply_markup: { inline_keyboard: [[{ text: notifier.t(locale, 'budget-btn-open'), callback_data: budgetHome.pack({}) }]] },
      },
    };
  });
  const ids = await addToOutbox(db, messages);
  return { sent: ids.length };
}

export const budgetQueue: QueueSpec<BudgetJob> = {
  name: BUDGET_QUEUE,
  payload: budgetJob,
  concurrency: 1,
  schedule: (queue, db, schoolId) => syncBudgetSchedules(db, queue, schoolId),
  run: (job: BudgetJob, ctx: { database: { db: Db }; notifier: Notifier; now: Now }) => monthlyBudget(ctx.database.db, { schoolId: job.schoolId, now: ctx.now() }, ctx.notifier),
};
