/**
 * /hours [YYYY-MM]: the school office gets the month's chart and workbook (made by the worker);
 * a teacher gets their own month as text at once; a provincial or national official gets the
 * share of planned lessons delivered per school and the schools to call (text and workbook).
 */
import { Composer } from 'grammy';
import type { AppDeps, BotContext } from '../core/telegram/context.js';
import { officeMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { addJob } from '../core/queue/jobs.js';
import { asciiDigits } from '../core/i18n/index.js';
import { formatMonth } from '../reports/render.js';
import { todayFor } from './access.js';
import { hoursHome } from './buttons.js';
import { hoursReport, ownHours } from './hours.js';
import { ownHoursText } from './hours-service.js';
import { teachingQueue, type TeachingJob } from './jobs.js';

export function hoursFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;

  async function ask(ctx: BotContext, arg: string) {
    const today = await todayFor(db, ctx.actor, deps.now());
    const month = arg ? asciiDigits(arg).trim() : today.slice(0, 7);
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month) || month > today.slice(0, 7)) {
      await ctx.reply(ctx.t('teaching-hours-usage'));
      return;
    }
    const who = actorOf(ctx.from!.id);
    const office = officeMembership(ctx.actor);
    if (office) {
      const key = `hours:req:${ctx.from!.id}:${office.schoolId}:${month}:${ctx.update.update_id}`;
      const job: TeachingJob = { kind: 'hours', schoolId: office.schoolId, month, today, locale: ctx.locale, chatId: ctx.chat!.id, key };
      await addJob(deps.jobs, teachingQueue, job, key);
      await audit(db, { actor: who, schoolId: office.schoolId, action: 'hours.request', entity: 'school', entityId: office.schoolId, details: { month } });
      await ctx.reply(ctx.t('teaching-hours-preparing', { month: formatMonth(ctx.locale, month) }));
      return;
    }
    const me = ctx.actor.staff[0];
    if (me) {
      const report = await hoursReport(db, { schoolId: me.schoolId, month, today });
      await ctx.reply(ownHoursText(report, ownHours(report, me.staffId), ctx.locale, deps.notifier.t));
      return;
    }
    if (ctx.actor.officeProvinces.length > 0) {
      const provinceId = ctx.actor.officeProvinces.includes(null) ? null : ctx.actor.officeProvinces[0]!;
      const key = `hours:rollup:${ctx.from!.id}:${month}:${ctx.update.update_id}`;
      const job: TeachingJob = { kind: 'rollup', provinceId, month, today, locale: ctx.locale, chatId: ctx.chat!.id, key };
      await addJob(deps.jobs, teachingQueue, job, key);
      await audit(db, { actor: who, action: 'hours.rollup', entity: 'province', entityId: provinceId ?? 'nation', details: { month } });
      await ctx.reply(ctx.t('teaching-hours-preparing', { month: formatMonth(ctx.locale, month) }));
      return;
    }
    await audit(db, { actor: who, action: 'hours.request', outcome: 'denied', details: { reason: 'forbidden' } });
    await ctx.reply(ctx.t('teaching-denied-not-linked'));
  }

  composer.command('hours', (ctx) => ask(ctx, ctx.match.trim()));
  composer.callbackQuery(hoursHome.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ask(ctx, '');
  });
  return composer;
}
