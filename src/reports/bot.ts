/**
 * Reports in the chat. Office (principal, operator): /report with buttons, or typed forms
 * (`/report today`, `/report yesterday`, `/report week`, `/report month 2026-10`, `/report 7A month`);
 * teachers the same for their own classes; parents their children's month; staff
 * `/student S00123`. Pictures and workbooks are made by the worker; the bot asks and says so.
 * Who may have what, and every query, are in the services (service-people.ts).
 */
import { Composer, InlineKeyboard } from 'grammy';
import { addJob } from '../core/queue/jobs.js';
import { periodButtons, PERIOD_WORDS, reportHome } from './buttons.js';
import type { AppDeps, BotContext } from '../core/telegram/context.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { officeMembership } from '../core/auth/actor.js';
import { schoolClock } from '../core/clock.js';
import { displayName, formatDay, formatNumber } from '../core/i18n/index.js';
import { reportsQueue, type ReportJob } from './jobs.js';
import { formatPeriod, parsePeriod } from './period.js';
import type { ReportRequest } from './service.js';
import { resultsOfStudent } from '../competitions/service.js';
import { studentResultsText } from '../competitions/view.js';
import { childrenMonth, classRosterFor, reportScopeFor, studentForStaff, studentMonth, type MonthCounts } from './service-people.js';

/** a class name as typed (7A, 12 b is two words and not one) */
const CLASS_TOKEN = /^(?:1[0-2]|[1-9])[A-Za-z]{1,3}$/;

/** One line per child: "present 3 of 4 days · late 1 · …" in the reader's digits. */
function childLine(ctx: BotContext, who: { nameKm: string; nameEn: string | null; className: string | null }, c: MonthCounts): string {
  const n = (x: number) => formatNumber(ctx.locale, x);
  return ctx.t('reports-child-line', {
    name: displayName(ctx.locale, who),
    class: who.className ?? '—',
    present: n(c.present + c.late),
    days: n(c.days),
    late: n(c.late),
    absent: n(c.absent),
    excused: n(c.excused),
  });
}

export function reportsFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;
  const today = () => schoolClock('Asia/Phnom_Penh', deps.now()).day;

  async function ask(ctx: BotContext, args: string[]) {
    const loc = ctx.locale;
    const classToken = args.find((a) => /^(1[0-2]|[1-9])[a-z]{1,3}$/i.test(a))?.toUpperCase();
    const rest = args.filter((a) => a.toUpperCase() !== classToken);
    const period = parsePeriod(rest[0], rest[1], today());
    if (period === 'bad' || period === 'future') {
      await ctx.reply(ctx.t(period === 'bad' ? 'reports-usage' : 'reports-future'));
      return;
    }
    if (!classToken && !officeMembership(ctx.actor) && ctx.actor.officeProvinces.length > 0) {
      // A provincial director (or the national administrator): the roll-up across schools, by day.
      if (period.kind !== 'daily') {
        await ctx.reply(ctx.t('reports-rollup-daily-only'));
        return;
      }
      const provinceId = ctx.actor.officeProvinces.includes(null) ? null : ctx.actor.officeProvinces[0]!;
      const key = `rollup:req:${ctx.from!.id}:${period.period}:${ctx.update.update_id}`;
      const job: ReportJob = { kind: 'rollup', provinceId, day: period.from, today: today(), locale: loc, chatId: ctx.chat!.id, requestedBy: actorOf(ctx.from!.id), key };
      await addJob(deps.jobs, reportsQueue, job, key);
      await ctx.reply(ctx.t('reports-preparing', { period: formatPeriod(loc, period) }));
      return;
    }
    const scope = await reportScopeFor(db, ctx.actor, { classToken, today: today() });
    if (scope.kind === 'children') {
      await replyChildrenMonth(ctx, period);
      return;
    }
    if (scope.kind === 'denied') {
      await ctx.reply(ctx.t('reports-denied-class'));
      return;
    }
    const { schoolId } = scope;
    const classIds = scope.kind === 'classes' ? scope.classIds : undefined;
    const scopeText = classIds ? `class:${classIds.join(',')}` : 'school';
    const request: ReportRequest = { schoolId, kind: period.kind, from: period.from, to: period.to, period: period.period, scope: scopeText, classIds, locale: loc, requestedBy: actorOf(ctx.from!.id), today: today() };
    const key = `report:req:${ctx.from!.id}:${schoolId}:${period.period}:${scopeText}:${ctx.update.update_id}`;
    const job: ReportJob = { kind: 'request', request, chatId: ctx.chat!.id, requestKey: key };
    await addJob(deps.jobs, reportsQueue, job, key);
    await audit(db, { actor: actorOf(ctx.from!.id), schoolId, action: 'report.request', entity: classIds ? 'class' : 'school', entityId: classIds?.join(',') ?? schoolId, details: { period: period.period } });
    await ctx.reply(ctx.t('reports-preparing', { period: formatPeriod(loc, period) }));
  }

  /** A parent's own children, this month (or the month asked): one line each, no picture. */
  async function replyChildrenMonth(ctx: BotContext, period: { from: string; to: string }) {
    const loc = ctx.locale;
    const rows = await childrenMonth(deps.database, ctx.actor, period);
    const lines = [ctx.t('reports-children-title', { from: formatDay(loc, period.from), to: formatDay(loc, period.to) })];
    for (const r of rows) lines.push(childLine(ctx, r, r));
    await ctx.reply(lines.join('\n'));
  }

  const menuKeyboard = (ctx: BotContext) =>
    new InlineKeyboard()
      .text(ctx.t('reports-btn-today'), periodButtons.today.pack({}))
      .text(ctx.t('reports-btn-yesterday'), periodButtons.yesterday.pack({}))
      .row()
      .text(ctx.t('reports-btn-week'), periodButtons.week.pack({}))
      .text(ctx.t('reports-btn-month'), periodButtons.month.pack({}))
      .text(ctx.t('reports-btn-lastmonth'), periodButtons.lastmonth.pack({}));

  async function openMenu(ctx: BotContext) {
    if (ctx.actor.staff.length === 0 && ctx.actor.officeProvinces.length > 0) {
      await ctx.reply(ctx.t('reports-choose'), {
        reply_markup: new InlineKeyboard().text(ctx.t('reports-btn-today'), periodButtons.today.pack({})).text(ctx.t('reports-btn-yesterday'), periodButtons.yesterday.pack({})),
      });
      return;
    }
    if (ctx.actor.staff.length === 0) {
      if (ctx.actor.childIds.length > 0) {
        const t = today();
        await replyChildrenMonth(ctx, { from: `${t.slice(0, 7)}-01`, to: t });
      } else await ctx.reply(ctx.t('reports-denied-class'));
      return;
    }
    await ctx.reply(ctx.t('reports-choose'), { reply_markup: menuKeyboard(ctx) });
  }

  composer.callbackQuery(reportHome.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await openMenu(ctx);
  });

  composer.command('report', async (ctx) => {
    const args = ctx.match.trim().split(/\s+/).filter(Boolean);
    if (args.length === 0) await openMenu(ctx);
    else await ask(ctx, args);
  });

  for (const word of PERIOD_WORDS) {
    composer.callbackQuery(periodButtons[word].pattern, async (ctx) => {
      await ctx.answerCallbackQuery();
      await ask(ctx, [word]);
    });
  }

  /** A class's students with their codes, one short line each (what /student and /card take). */
  async function replyRoster(ctx: BotContext, classToken: string | undefined) {
    const r = await classRosterFor(db, ctx.actor, { classToken, today: today() });
    if (r.kind === 'denied') {
      await ctx.reply(ctx.t(classToken ? 'reports-roster-denied' : 'reports-student-usage'));
      return;
    }
    if (r.kind === 'choose') {
      await ctx.reply(ctx.t('reports-roster-choose', { classes: r.classNames.map((c) => `/student ${c}`).join(', ') }));
      return;
    }
    const loc = ctx.locale;
    const lines = r.lines.map((l) => `${l.roll ?? '·'}. ${displayName(loc, l)} — ${l.code}`);
    await ctx.reply([ctx.t('reports-roster-title', { class: r.className, count: formatNumber(loc, r.lines.length) }), ...lines].join('\n'));
  }

  composer.command('student', async (ctx) => {
    const [code, month] = ctx.match.trim().split(/\s+/).filter(Boolean);
    // No code, or a class name (7A): the class list with the codes to type.
    if (!code || (CLASS_TOKEN.test(code) && month === undefined)) {
      await replyRoster(ctx, code);
      return;
    }
    const student = await studentForStaff(db, ctx.actor, code, today());
    if (!student) {
      await ctx.reply(ctx.t('reports-student-denied'));
      return;
    }
    const period = parsePeriod('month', month, today());
    if (period === 'bad' || period === 'future') {
      await ctx.reply(ctx.t(period === 'bad' ? 'reports-student-usage' : 'reports-future'));
      return;
    }
    const counts = await studentMonth(deps.database, ctx.actor, student, period);
    const loc = ctx.locale;
    // The student's competition results appear with their record (competitions capability).
    const results = studentResultsText(await resultsOfStudent(db, student.id), loc, deps.notifier.t);
    await ctx.reply(`${childLine(ctx, student, counts)}\n(${formatDay(loc, period.from)} – ${formatDay(loc, period.to)})${results ? `\n\n${results}` : ''}`);
  });

  return composer;
}
