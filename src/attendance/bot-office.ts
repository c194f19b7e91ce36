/**
 * Attendance for the school office (operator, principal): /today (which classes submitted, with
 * counts and families' answers) and its reminder button, /substitute, /holiday. Part of the
 * attendance bot (bot.ts uses it); no SQL here either.
 */
import { Composer, InlineKeyboard } from 'grammy';
import { remindMissingButton, sheetOpen, todayHome } from './buttons.js';
import type { AppDeps, BaseContext, BotContext } from '../core/telegram/context.js';
import { officeMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { addDays, isRealDay, schoolClock } from '../core/clock.js';
import { asciiDigits, displayName, formatDay, formatNumber, formatTime } from '../core/i18n/index.js';
import { assignSubstitute, dayActivity, dayOverview, OPERATOR_CORRECTION_DAYS, remindMissing, setCalendarDay, upcomingHolidays } from './service.js';

/** A holiday's note is a few words ("Water Festival"): longer ones are refused, not cut. */
const HOLIDAY_NOTE_MAX = 100;

/** Today in the school's time zone; one deployment may span zones, so per school. */
export function clock(ctx: BaseContext, timezone = 'Asia/Phnom_Penh') {
  return schoolClock(timezone, ctx.deps.now());
}

/** A day typed in a command (`2026-11-20`, or in Khmer digits), as YYYY-MM-DD. */
export function typedDay(text: string | undefined): string | undefined {
  return text === undefined ? undefined : asciiDigits(text);
}

export function officeFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;

  async function officeSchool(ctx: BotContext) {
    const m = officeMembership(ctx.actor);
    if (!m) {
      // Say what the command is and what to use instead, not "not your class".
      await ctx.reply(ctx.t(ctx.actor.staff.length > 0 ? 'attendance-office-only' : 'attendance-office-only-parent'));
      return null;
    }
    return m;
  }

  async function showToday(ctx: BotContext) {
    const m = await officeSchool(ctx);
    if (!m) return;
    const day = clock(ctx).day;
    const rows = await dayOverview(db, m.schoolId, day);
    await audit(db, { actor: actorOf(ctx.from!.id), schoolId: m.schoolId, action: 'attendance.today', entity: 'school', entityId: m.schoolId, details: { day } });
    const loc = ctx.locale;
    const n = (x: number) => formatNumber(loc, x);
    const lines = [ctx.t('attendance-today-title', { date: formatDay(loc, day) })];
    let missing = 0;
    const total = { present: 0, absent: 0, late: 0, excused: 0, students: 0 };
    for (const r of rows) {
      total.students += r.students;
      if (r.submittedAt && r.counts) {
        for (const k of ['present', 'absent', 'late', 'excused'] as const) total[k] += r.counts[k] ?? 0;
        lines.push(
          ctx.t('attendance-today-class-done', {
            class: r.className,
            shift: ctx.t(`core-shift-${r.shift}`),
            time: formatTime(loc, schoolClock('Asia/Phnom_Penh', r.submittedAt).time),
            by: r.via === 'operator' ? ctx.t('attendance-today-by-office') : r.via === 'scan' ? ctx.t('attendance-today-by-scan') : (r.teacherName ?? '—'),
            present: n(r.counts.present ?? 0),
            absent: n(r.counts.absent ?? 0),
            late: n(r.counts.late ?? 0),
            excused: n(r.counts.excused ?? 0),
            answers: n(r.answers),
          }),
        );
      } else {
        missing++;
        lines.push(ctx.t('attendance-today-class-missing', { class: r.className, shift: ctx.t(`core-shift-${r.shift}`), teacher: r.teacherName ?? '—', linked: r.teacherLinked ? '' : ctx.t('attendance-today-not-linked') }));
      }
    }
    const unreachable = rows.filter((r) => r.unreachable > 0);
    if (unreachable.length > 0) {
      lines.push(ctx.t('attendance-today-unreachable', { list: unreachable.map((r) => `${r.className} ${n(r.unreachable)}`).join(', ') }));
    }
    lines.push(
      ctx.t('attendance-today-totals', {
        submitted: n(rows.length - missing),
        classes: n(rows.length),
        present: n(total.present),
        absent: n(total.absent),
        late: n(total.late),
        excused: n(total.excused),
        students: n(total.students),
      }),
    );
    const kb = new InlineKeyboard();
    if (missing > 0) kb.text(ctx.t('attendance-today-remind', { count: n(missing) }), remindMissingButton.pack({ day })).row();
    rows.forEach((r, i) => {
      kb.text(`${r.submittedAt ? '✓' : '…'} ${r.className}`, sheetOpen.pack({ classId: r.classId, day }));
      if (i % 4 === 3) kb.row();
    });
    await ctx.reply(lines.join('\n'), { reply_markup: kb });
  }

  composer.command('today', (ctx) => showToday(ctx));

  composer.callbackQuery(remindMissingButton.pattern, async (ctx) => {
    const m = officeMembership(ctx.actor);
    const day = remindMissingButton.parse(ctx.callbackQuery.data)?.day;
    if (!day) {
      await ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
      return;
    }
    if (!m) {
      await ctx.answerCallbackQuery({ text: ctx.t('attendance-denied-forbidden'), show_alert: true });
      return;
    }
    const now = clock(ctx);
    if (day !== now.day) {
      await ctx.answerCallbackQuery({ text: ctx.t('attendance-stale-day', { date: formatDay(ctx.locale, day) }), show_alert: true });
      return;
    }
    const r = await remindMissing(db, { schoolId: m.schoolId, day, slot: `manual-${now.time.slice(0, 2)}`, actor: `tg:${ctx.from.id}` }, deps.notifier);
    deps.kickOutbox();
    await ctx.answerCallbackQuery({ text: ctx.t('attendance-today-reminded', { count: formatNumber(ctx.locale, r.messages) }), show_alert: true });
    if (r.unreachable.length > 0) {
      // "Sent 0" alone says nothing: name who was not reached and how to invite them.
      const lines = [ctx.t('attendance-remind-unreachable')];
      for (const u of r.unreachable) {
        lines.push(
          u.teacher
            ? ctx.t('attendance-remind-not-linked', { class: u.className, name: displayName(ctx.locale, u.teacher), invite: `/invite teacher ${u.teacher.staffCode}` })
            : ctx.t('attendance-remind-no-teacher', { class: u.className }),
        );
      }
      await ctx.reply(lines.join('\n'));
    }
  });

  composer.command('substitute', async (ctx) => {
    const [className, staffCode, dayArg] = ctx.match.trim().split(/\s+/).filter(Boolean);
    if (!className || !staffCode) {
      await ctx.reply(ctx.t('attendance-substitute-usage'));
      return;
    }
    const day = typedDay(dayArg) ?? clock(ctx).day;
    if (!isRealDay(day)) {
      await ctx.reply(ctx.t('attendance-substitute-usage'));
      return;
    }
    const r = await assignSubstitute(db, ctx.actor, { className, staffCode, day });
    await ctx.reply(r.ok ? ctx.t('attendance-substitute-done', { class: r.className, name: r.staffName, date: formatDay(ctx.locale, day) }) : ctx.t(`attendance-substitute-${r.reason}`));
  });

  composer.command('holiday', async (ctx) => {
    const m = await officeSchool(ctx);
    if (!m) return;
    const [first, ...rest] = ctx.match.trim().split(/\s+/).filter(Boolean);
    const today = clock(ctx).day;
    if (!first) {
      const list = await upcomingHolidays(db, m.schoolId, today);
      const loc = ctx.locale;
      if (!list.length) return ctx.reply(ctx.t('attendance-holiday-none'));
      // one message holds 4,096 characters: the list stops before that (notes are short, days many)
      const lines = [ctx.t('attendance-holiday-list')];
      let length = lines[0]!.length;
      for (const h of list) {
        const line = `• ${formatDay(loc, h.day)}${h.note ? ` — ${h.note}` : ''}`;
        if (length + line.length + 3 > 4000) {
          lines.push('…');
          break;
        }
        lines.push(line);
        length += line.length + 1;
      }
      await ctx.reply(lines.join('\n'));
      return;
    }
    const undo = first === 'remove' || first === 'off';
    const day = typedDay(undo ? rest.shift() : first);
    if (!day || !isRealDay(day)) {
      await ctx.reply(ctx.t('attendance-holiday-usage'));
      return;
    }
    // Past days are records: only the last week may change (as with lists), nothing years back.
    if (day < addDays(today, -OPERATOR_CORRECTION_DAYS) || day > addDays(today, 400)) {
      await ctx.reply(ctx.t('attendance-holiday-out-of-range', { date: formatDay(ctx.locale, day) }));
      return;
    }
    // A day whose lists (and alerts) went out leaves the reports when it becomes a holiday: warn,
    // and go ahead only when the command is sent again ending with "!".
    const forced = rest.at(-1) === '!';
    if (forced) rest.pop();
    if (!undo && !forced) {
      const done = await dayActivity(db, m.schoolId, day);
      if (done.lists > 0) {
        await ctx.reply(
          ctx.t('attendance-holiday-warn', {
            date: formatDay(ctx.locale, day),
            lists: formatNumber(ctx.locale, done.lists),
            alerts: formatNumber(ctx.locale, done.alerts),
            again: `/holiday ${ctx.match.trim()} !`,
          }),
        );
        return;
      }
    }
    const note = rest.join(' ');
    if ([...note].length > HOLIDAY_NOTE_MAX) {
      await ctx.reply(ctx.t('attendance-holiday-note-too-long', { max: formatNumber(ctx.locale, HOLIDAY_NOTE_MAX), length: formatNumber(ctx.locale, [...note].length) }));
      return;
    }
    await setCalendarDay(db, { schoolId: m.schoolId, day, kind: undo ? 'normal' : 'holiday', note: note || undefined, actor: `tg:${ctx.from!.id}` });
    await ctx.reply(ctx.t(undo ? 'attendance-holiday-removed' : 'attendance-holiday-set', { date: formatDay(ctx.locale, day) }));
  });

  composer.callbackQuery(todayHome.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showToday(ctx);
  });

  return composer;
}
