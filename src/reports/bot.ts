/**
 * Reports in the chat. Office (principal, operator): /report with buttons, or typed forms
 * (`/report today`, `/report yesterday`, `/report week`, `/report month 2026-10`, `/report 7A month`);
 * teachers the same for their own classes; parents their children's month; staff
 * `/student S00123`. Pictures and workbooks are made by the worker; the bot asks and says so.
 */
import { Composer, InlineKeyboard } from 'grammy';
import { and, eq, sql } from 'drizzle-orm';
import { addJob } from '../core/queue/jobs.js';
import { periodButtons, PERIOD_WORDS, reportHome } from './buttons.js';
import type { AppDeps, BaseContext, BotContext } from '../core/telegram/context.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { addDays, schoolClock } from '../core/clock.js';
import { formatDay, formatNumber } from '../core/i18n/index.js';
import { classes, students, type Locale } from '../core/db/schema.js';
import { classesFor } from '../attendance/service.js';
import { reportsQueue, type ReportJob } from './jobs.js';
import { weekStart, type ReportRequest } from './service.js';

type PeriodWord = (typeof PERIOD_WORDS)[number];

export interface Period {
  kind: ReportRequest['kind'];
  from: string;
  to: string;
  period: string;
}

/** A period from the words of a request, or why not. */
export function parsePeriod(word: string | undefined, monthArg: string | undefined, today: string): Period | 'future' | 'bad' {
  const w = (word ?? 'today').toLowerCase() as PeriodWord | string;
  if (w === 'today') return { kind: 'daily', from: today, to: today, period: today };
  if (w === 'yesterday') {
    const d = addDays(today, -1);
    return { kind: 'daily', from: d, to: d, period: d };
  }
  if (w === 'week') {
    const from = weekStart(today);
    return { kind: 'range', from, to: today, period: `${from}..${today}` };
  }
  if (w === 'month' || w === 'lastmonth') {
    const month = monthArg ?? (w === 'lastmonth' ? addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7) : today.slice(0, 7));
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return 'bad';
    if (month > today.slice(0, 7)) return 'future';
    const from = `${month}-01`;
    const end = addDays(`${addDays(from, 32).slice(0, 7)}-01`, -1);
    return { kind: 'monthly', from, to: end < today ? end : today, period: month };
  }
  if (/^\d{4}-\d{2}$/.test(w)) return parsePeriod('month', w, today);
  return 'bad';
}

function localeOf(ctx: BaseContext): Locale {
  return ctx.locale;
}

export function reportsFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;
  const today = () => schoolClock('Asia/Phnom_Penh', deps.now()).day;

  async function ask(ctx: BotContext, args: string[]) {
    const loc = localeOf(ctx);
    const classToken = args.find((a) => /^(1[0-2]|[1-9])[a-z]{1,3}$/i.test(a))?.toUpperCase();
    const rest = args.filter((a) => a.toUpperCase() !== classToken);
    const period = parsePeriod(rest[0], rest[1], today());
    if (period === 'bad' || period === 'future') {
      await ctx.reply(ctx.t(period === 'bad' ? 'reports-usage' : 'reports-future'));
      return;
    }
    const office = ctx.actor.staff.find((m) => m.roles.includes('principal') || m.roles.includes('operator'));
    if (!classToken && !office && ctx.actor.officeProvinces.length > 0) {
      // A provincial director (or the national administrator): the roll-up across schools, by day.
      if (period.kind !== 'daily') {
        await ctx.reply(ctx.t('reports-rollup-daily-only'));
        return;
      }
      const provinceId = ctx.actor.officeProvinces.includes(null) ? null : ctx.actor.officeProvinces[0]!;
      const key = `rollup:req:${ctx.from!.id}:${period.period}:${ctx.update.update_id}`;
      const job: ReportJob = { kind: 'rollup', provinceId, day: period.from, today: today(), locale: loc, chatId: ctx.chat!.id, requestedBy: actorOf(ctx.from!.id), key };
      await addJob(deps.jobs, reportsQueue, job, key);
      await ctx.reply(ctx.t('reports-preparing', { period: formatDay(loc, period.from) }));
      return;
    }
    const teacherOf = ctx.actor.staff.length > 0 ? await classesFor(db, ctx.actor, today()) : [];
    let schoolId: number;
    let classIds: number[] | undefined;
    if (classToken) {
      const cls = teacherOf.find((c) => c.name === classToken && (c.own || office?.schoolId === c.schoolId));
      if (!cls) {
        await audit(db, { actor: actorOf(ctx.from!.id), action: 'report.request', entity: 'class', entityId: classToken, outcome: 'denied' });
        await ctx.reply(ctx.t('reports-denied-class'));
        return;
      }
      schoolId = cls.schoolId;
      classIds = [cls.id];
    } else if (office) {
      schoolId = office.schoolId;
    } else if (teacherOf.some((c) => c.own)) {
      const own = teacherOf.filter((c) => c.own);
      schoolId = own[0]!.schoolId;
      classIds = own.filter((c) => c.schoolId === schoolId).map((c) => c.id);
    } else if (ctx.actor.childIds.length > 0) {
      await childrenMonth(ctx, period);
      return;
    } else {
      await ctx.reply(ctx.t('reports-denied-class'));
      return;
    }
    const scope = classIds ? `class:${classIds.join(',')}` : 'school';
    const request: ReportRequest = { schoolId, kind: period.kind, from: period.from, to: period.to, period: period.period, scope, classIds, locale: loc, requestedBy: actorOf(ctx.from!.id), today: today() };
    const key = `report:req:${ctx.from!.id}:${schoolId}:${period.period}:${scope}:${ctx.update.update_id}`;
    const job: ReportJob = { kind: 'request', request, chatId: ctx.chat!.id, requestKey: key };
    await addJob(deps.jobs, reportsQueue, job, key);
    await audit(db, { actor: actorOf(ctx.from!.id), schoolId, action: 'report.request', entity: classIds ? 'class' : 'school', entityId: classIds?.join(',') ?? schoolId, details: { period: period.period } });
    await ctx.reply(ctx.t('reports-preparing', { period: period.kind === 'daily' ? formatDay(loc, period.from) : period.period }));
  }

  /** A parent's own children, this month (or the month asked): one small query, no picture. */
  async function childrenMonth(ctx: BotContext, period: { from: string; to: string }) {
    const loc = localeOf(ctx);
    const rows = await deps.database.rows<{ name_km: string; name_en: string | null; class_name: string | null; present: number; late: number; absent: number; excused: number; days: number }>(
      sql`select s.name_km, s.name_en, c.name as class_name,
                 count(a.status) filter (where a.status = 'present')::int as present,
                 count(a.status) filter (where a.status = 'late')::int as late,
                 count(a.status) filter (where a.status = 'absent')::int as absent,
                 count(a.status) filter (where a.status = 'excused')::int as excused,
                 count(a.status)::int as days
            from students s
            left join classes c on c.id = s.class_id
            left join attendance a on a.student_id = s.id and a.day between ${period.from}::date and ${period.to}::date
           where s.id = any(${sql.raw(`'{${ctx.actor.childIds.map(Number).join(',')}}'::bigint[]`)})
           group by s.id, c.name
           order by s.name_km`,
    );
    const n = (x: number) => formatNumber(loc, Number(x));
    const lines = [ctx.t('reports-children-title', { from: formatDay(loc, period.from), to: formatDay(loc, period.to) })];
    for (const r of rows) {
      lines.push(
        ctx.t('reports-child-line', {
          name: loc === 'en' && r.name_en ? r.name_en : r.name_km,
          class: r.class_name ?? '—',
          present: n(Number(r.present) + Number(r.late)),
          days: n(r.days),
          late: n(r.late),
          absent: n(r.absent),
          excused: n(r.excused),
        }),
      );
    }
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
        await childrenMonth(ctx, { from: `${t.slice(0, 7)}-01`, to: t });
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

  composer.command('student', async (ctx) => {
    const [code, month] = ctx.match.trim().split(/\s+/).filter(Boolean);
    if (!code) {
      await ctx.reply(ctx.t('reports-student-usage'));
      return;
    }
    const schoolIds = ctx.actor.staff.map((m) => m.schoolId);
    const [student] = schoolIds.length
      ? await db
          .select({ id: students.id, schoolId: students.schoolId, classId: students.classId, nameKm: students.nameKm, nameEn: students.nameEn, className: classes.name })
          .from(students)
          .leftJoin(classes, eq(classes.id, students.classId))
          .where(and(eq(students.studentCode, code), sql`${students.schoolId} = any(${sql.raw(`'{${schoolIds.join(',')}}'::int[]`)})`))
      : [];
    const m = student ? ctx.actor.staff.find((s) => s.schoolId === student.schoolId) : undefined;
    const office = m && (m.roles.includes('principal') || m.roles.includes('operator'));
    const own = student && (await classesFor(db, ctx.actor, today())).some((c) => c.own && c.id === student.classId);
    if (!student || (!office && !own)) {
      await audit(db, { actor: actorOf(ctx.from!.id), action: 'student.read', entity: 'student', entityId: code, outcome: 'denied' });
      await ctx.reply(ctx.t('reports-student-denied'));
      return;
    }
    const period = parsePeriod('month', month, today());
    if (period === 'bad' || period === 'future') {
      await ctx.reply(ctx.t(period === 'bad' ? 'reports-student-usage' : 'reports-future'));
      return;
    }
    await audit(db, { actor: actorOf(ctx.from!.id), schoolId: student.schoolId, action: 'student.read', entity: 'student', entityId: student.id, details: { period: period.period } });
    const [r] = await deps.database.rows<Record<string, number>>(
      sql`select count(*) filter (where status = 'present')::int as present, count(*) filter (where status = 'late')::int as late,
                 count(*) filter (where status = 'absent')::int as absent, count(*) filter (where status = 'excused')::int as excused,
                 count(*)::int as days
            from attendance where student_id = ${student.id} and day between ${period.from}::date and ${period.to}::date`,
    );
    const loc = localeOf(ctx);
    const n = (x: unknown) => formatNumber(loc, Number(x ?? 0));
    await ctx.reply(
      ctx.t('reports-child-line', {
        name: loc === 'en' && student.nameEn ? student.nameEn : student.nameKm,
        class: student.className ?? '—',
        present: n(Number(r?.present ?? 0) + Number(r?.late ?? 0)),
        days: n(r?.days),
        late: n(r?.late),
        absent: n(r?.absent),
        excused: n(r?.excused),
      }) + `\n(${formatDay(loc, period.from)} – ${formatDay(loc, period.to)})`,
    );
  });

  return composer;
}
