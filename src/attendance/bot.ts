/**
 * Attendance in the chat. Teachers: /attendance → their class → a sheet of buttons (a tap
 * cycles present → absent → late → excused) → Submit → confirm; or a typed line
 * (`7A absent 3 17 22 late 5`) → confirm. Office (operator, principal): /today, reminders,
 * marking on a teacher's behalf, substitutes, holidays. Guardians: answers to absence alerts.
 *
 * Callback data carries class id and day (`at:<op>:<classId>:<yyyymmdd>[:…]`), so a button from
 * yesterday or for a class that is not yours is recognised and refused.
 */
import { Composer, InlineKeyboard } from 'grammy';
import type { Conversation } from '@grammyjs/conversations';
import { attendanceHome, todayHome } from './buttons.js';
import type { AppDeps, BaseContext, BotContext, ConvContext } from '../core/telegram/context.js';
import { isRealDay, schoolClock } from '../core/clock.js';
import { formatDay, formatNumber } from '../core/i18n/index.js';
import type { Locale } from '../core/db/schema.js';
import {
  accessClass,
  answerAlert,
  assignSubstitute,
  changeMark,
  classesFor,
  countMarks,
  dayOverview,
  loadSheet,
  remindMissing,
  setCalendarDay,
  submitSheet,
  upcomingHolidays,
  type ClassAccess,
  type Denied,
  type MarkChange,
  type Sheet,
} from './service.js';
import { parseQuickAttendance } from './quick.js';
import type { AttendanceStatus } from './schema.js';

const PAGE_SIZE = 20;
const ICON: Record<AttendanceStatus, string> = { present: '✅', absent: '❌', late: '⏰', excused: '📝' };
const RESPONSE_ICON: Record<string, string> = { sick: '🤒', late: '🕒', unaware: '❓' };

const compactDay = (day: string) => day.replaceAll('-', '');
const isoDay = (compact: string) => `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;

function locale(ctx: BaseContext): Locale {
  return ctx.locale;
}

/** Today in the school's time zone; one deployment may span zones, so per school. */
function clock(ctx: BaseContext, timezone = 'Asia/Phnom_Penh') {
  return schoolClock(timezone, ctx.deps.now());
}

function studentLabel(ctx: BaseContext, s: Sheet['students'][number]): string {
  const name = locale(ctx) === 'en' && s.nameEn ? s.nameEn : s.nameKm;
  return `${s.roll}. ${ICON[s.mark.status]} ${name}`;
}

export function renderSheet(ctx: BaseContext, sheet: Sheet, page = 0, focusRoll?: number): { text: string; keyboard: InlineKeyboard } {
  const loc = locale(ctx);
  const n = (x: number) => formatNumber(loc, x);
  const c = countMarks(sheet);
  const lines = [
    ctx.t('attendance-sheet-title', { class: sheet.className, shift: ctx.t(`core-shift-${sheet.shift}`), date: formatDay(loc, sheet.day) }),
    ctx.t('attendance-sheet-counts', {
      present: n(c.present),
      absent: n(c.absent),
      late: n(c.late),
      excused: n(c.excused),
      total: n(c.total),
      presentF: n(c.presentF),
      absentF: n(c.absentF),
      lateF: n(c.lateF),
      excusedF: n(c.excusedF),
      totalF: n(c.totalF),
    }),
  ];
  for (const s of sheet.students.filter((x) => x.mark.status !== 'present' || x.response)) {
    const name = loc === 'en' && s.nameEn ? s.nameEn : s.nameKm;
    const detail =
      s.mark.status === 'late' && s.mark.arrivedAt
        ? ` ${s.mark.arrivedAt}`
        : s.mark.status === 'excused' && s.mark.reason
          ? ` (${ctx.t(`attendance-reason-${s.mark.reason}`)}${s.mark.note ? `: ${s.mark.note}` : ''})`
          : '';
    const answer = s.response ? ` · ${RESPONSE_ICON[s.response] ?? ''} ${ctx.t(`attendance-answer-${s.response}`)}` : '';
    lines.push(`${ICON[s.mark.status]} ${s.roll}. ${name}${detail}${answer}`);
  }
  if (sheet.submission && !sheet.draft) {
    lines.push(ctx.t('attendance-sheet-submitted', { time: schoolClock('Asia/Phnom_Penh', new Date(sheet.submission.submittedAt)).time }));
  } else if (sheet.submission) {
    lines.push(ctx.t('attendance-sheet-correcting'));
  } else {
    lines.push(ctx.t('attendance-sheet-hint'));
  }

  const base = `${sheet.classId}:${compactDay(sheet.day)}`;
  const pages = Math.max(1, Math.ceil(sheet.students.length / PAGE_SIZE));
  const p = Math.min(Math.max(page, 0), pages - 1);
  // Rows are built whole (Telegram refuses empty rows; an InlineKeyboard starts with one).
  const button = InlineKeyboard.text;
  const rows: ReturnType<typeof button>[][] = [];
  const onPage = sheet.students.slice(p * PAGE_SIZE, (p + 1) * PAGE_SIZE);
  for (let i = 0; i < onPage.length; i += 2) {
    rows.push(onPage.slice(i, i + 2).map((s) => button(studentLabel(ctx, s), `at:t:${base}:${s.roll}:${p}`)));
  }
  const focus = focusRoll === undefined ? undefined : sheet.students.find((s) => s.roll === focusRoll);
  if (focus?.mark.status === 'excused') {
    rows.push([
      button(`🤒 ${ctx.t('attendance-reason-sick')}`, `at:r:${base}:${focus.roll}:s`),
      button(`👪 ${ctx.t('attendance-reason-family')}`, `at:r:${base}:${focus.roll}:f`),
      button(`✏️ ${ctx.t('attendance-reason-other')}`, `at:r:${base}:${focus.roll}:o`),
    ]);
  }
  if (pages > 1) {
    rows.push([
      button(p > 0 ? '◀️' : '·', p > 0 ? `at:p:${base}:${p - 1}` : 'at:noop'),
      button(`${formatNumber(loc, p + 1)}/${formatNumber(loc, pages)}`, 'at:noop'),
      button(p < pages - 1 ? '▶️' : '·', p < pages - 1 ? `at:p:${base}:${p + 1}` : 'at:noop'),
    ]);
  }
  rows.push([button(ctx.t('attendance-sheet-all-present'), `at:ap:${base}`), button(ctx.t('attendance-sheet-submit'), `at:s:${base}`)]);
  const kb = InlineKeyboard.from(rows);
  return { text: lines.join('\n'), keyboard: kb };
}

function deniedKey(reason: Denied['reason']): string {
  return `attendance-denied-${reason}`;
}

// --- "other" excuse: ask for the text -------------------------------------------------------
export async function excuseNote(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext, args: { classId: number; day: string; roll: number }) {
  await ctx.reply(ctx.t('attendance-reason-ask-note'), { reply_markup: { force_reply: true } });
  const answer = await conversation.waitFor('message:text', { otherwise: (o) => o.reply(o.t('attendance-reason-ask-note')) });
  const note = answer.message.text.trim().slice(0, 200);
  await conversation.external(async (outside) => {
    const acc = await accessClass(outside.deps.database.db, outside.actor, args.classId, args.day, schoolClock('Asia/Phnom_Penh', outside.deps.now()).day);
    if (!acc.ok) {
      await outside.reply(outside.t(deniedKey(acc.reason), { date: args.day }));
      return;
    }
    const sheet = await changeMark(outside.deps.database.db, acc, args.day, { kind: 'reason', roll: args.roll, reason: 'other', note });
    if (sheet) {
      const { text, keyboard } = renderSheet(outside, sheet, Math.floor((args.roll - 1) / PAGE_SIZE));
      await outside.reply(text, { reply_markup: keyboard });
    }
  });
}

export function attendanceFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;

  async function access(ctx: BotContext, classId: number, day: string): Promise<ClassAccess | null> {
    const today = clock(ctx).day;
    const result = await accessClass(db, ctx.actor, classId, day, today);
    if (!result.ok) {
      // A list from another day is the common case of a stale button: say which day it was.
      const key = result.reason === 'day-closed' && day !== today ? 'attendance-stale-day' : deniedKey(result.reason);
      const text = ctx.t(key, { date: formatDay(locale(ctx), day) });
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: true });
      else await ctx.reply(text);
      return null;
    }
    return result;
  }

  async function showSheet(ctx: BotContext, sheet: Sheet, page = 0, focusRoll?: number, edit = Boolean(ctx.callbackQuery)) {
    const { text, keyboard } = renderSheet(ctx, sheet, page, focusRoll);
    if (edit) await ctx.editMessageText(text, { reply_markup: keyboard }).catch(ignoreNotModified);
    else await ctx.reply(text, { reply_markup: keyboard });
  }

  async function openAttendance(ctx: BotContext, className?: string, dayArg?: string) {
    const today = clock(ctx).day;
    const day = dayArg ?? today;
    if (!isRealDay(day)) {
      await ctx.reply(ctx.t('attendance-usage'));
      return;
    }
    const list = await classesFor(db, ctx.actor, day);
    const wanted = className ? list.filter((c) => c.name === className.toUpperCase()) : list.filter((c) => c.own).length > 0 ? list.filter((c) => c.own) : list;
    if (wanted.length === 0) {
      await ctx.reply(ctx.t(className ? 'attendance-denied-forbidden' : 'attendance-no-classes'));
      return;
    }
    if (wanted.length === 1) {
      const a = await access(ctx, wanted[0]!.id, day);
      if (!a) return;
      await showSheet(ctx, await loadSheet(db, a, day), 0, undefined, false);
      return;
    }
    const kb = new InlineKeyboard();
    wanted.forEach((c, i) => {
      kb.text(`${c.name} · ${ctx.t(`core-shift-${c.shift}`)}`, `at:o:${c.id}:${compactDay(day)}`);
      if (i % 3 === 2) kb.row();
    });
    await ctx.reply(ctx.t('attendance-choose-class', { date: formatDay(locale(ctx), day) }), { reply_markup: kb });
  }

  composer.callbackQuery(attendanceHome.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await openAttendance(ctx);
  });
  composer.callbackQuery(todayHome.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showToday(ctx);
  });

  composer.command('attendance', async (ctx) => {
    if (!ctx.actor.staff.length) {
      await ctx.reply(ctx.t('attendance-denied-forbidden'));
      return;
    }
    const [className, day] = ctx.match.trim().split(/\s+/).filter(Boolean);
    await openAttendance(ctx, className, day);
  });

  // --- the sheet --------------------------------------------------------------------------
  const sheetOp = /^at:(o|t|p|ap|s|y|r):(\d{1,9}):(\d{8})(?::(\d{1,3}))?(?::([0-9sfo]))?$/;
  composer.callbackQuery(sheetOp, async (ctx) => {
    const [, op, classIdText, compact, a, b] = ctx.match as RegExpMatchArray;
    const classId = Number(classIdText);
    const day = isoDay(compact!);
    const acc = await access(ctx, classId, day);
    if (!acc) return;
    const now = clock(ctx, acc.timezone);
    const change = async (c: MarkChange, page: number, focus?: number) => {
      const sheet = await changeMark(db, acc, day, c);
      if (!sheet) {
        await ctx.answerCallbackQuery({ text: ctx.t('attendance-list-changed'), show_alert: true });
        await showSheet(ctx, await loadSheet(db, acc, day));
        return;
      }
      await ctx.answerCallbackQuery();
      await showSheet(ctx, sheet, page, focus);
    };
    switch (op) {
      case 'o':
        await ctx.answerCallbackQuery();
        await showSheet(ctx, await loadSheet(db, acc, day), 0, undefined, false);
        return;
      case 'p':
        await ctx.answerCallbackQuery();
        await showSheet(ctx, await loadSheet(db, acc, day), Number(a));
        return;
      case 't':
        await change({ kind: 'cycle', roll: Number(a), time: now.time }, Number(b ?? 0), Number(a));
        return;
      case 'ap':
        await change({ kind: 'all-present' }, 0);
        return;
      case 'r':
        if (b === 'o') {
          await ctx.answerCallbackQuery();
          await ctx.conversation.enter('excuse-note', { classId, day, roll: Number(a) });
          return;
        }
        await change({ kind: 'reason', roll: Number(a), reason: b === 'f' ? 'family' : 'sick' }, Math.floor((Number(a) - 1) / PAGE_SIZE), Number(a));
        return;
      case 's': {
        await ctx.answerCallbackQuery();
        const sheet = await loadSheet(db, acc, day);
        const c = countMarks(sheet);
        const absent = sheet.students.filter((s) => s.mark.status === 'absent');
        const loc = locale(ctx);
        await ctx.editMessageText(
          ctx.t('attendance-sheet-confirm', {
            class: sheet.className,
            present: formatNumber(loc, c.present),
            absent: formatNumber(loc, c.absent),
            late: formatNumber(loc, c.late),
            excused: formatNumber(loc, c.excused),
            names: absent.map((s) => (loc === 'en' && s.nameEn ? s.nameEn : s.nameKm)).join(', ') || '—',
          }),
          { reply_markup: new InlineKeyboard().text(ctx.t('attendance-sheet-confirm-yes'), `at:y:${classId}:${compact}`).text(ctx.t('attendance-sheet-back'), `at:p:${classId}:${compact}:0`) },
        );
        return;
      }
      case 'y': {
        const result = await submitSheet(db, acc, day, ctx.actor, deps.notifier);
        deps.kickOutbox();
        await ctx.answerCallbackQuery({ text: ctx.t('attendance-sheet-done-short') });
        const loc = locale(ctx);
        await ctx.editMessageText(
          ctx.t(result.version > 1 ? 'attendance-sheet-corrected' : 'attendance-sheet-done', {
            class: acc.className,
            time: now.time,
            alerts: formatNumber(loc, result.alertsQueued),
            corrections: formatNumber(loc, result.correctionsQueued),
          }),
          { reply_markup: new InlineKeyboard().text(ctx.t('attendance-sheet-correct'), `at:p:${classId}:${compact}:0`) },
        );
        return;
      }
    }
  });
  composer.callbackQuery('at:noop', (ctx) => ctx.answerCallbackQuery());

  // --- typed fast path ------------------------------------------------------------------------
  composer.on('message:text', async (ctx, next) => {
    if (ctx.actor.staff.length === 0) return next();
    const parsed = parseQuickAttendance(ctx.message.text);
    if (!parsed.ok) {
      if (parsed.reason === 'not-attendance') return next();
      await ctx.reply(ctx.t(parsed.reason === 'twice' ? 'attendance-quick-twice' : 'attendance-quick-bad-token', { token: parsed.token ?? '' }));
      return;
    }
    const day = clock(ctx).day;
    const list = await classesFor(db, ctx.actor, day);
    const cls = list.find((c) => c.name === parsed.className);
    if (!cls) {
      await ctx.reply(ctx.t('attendance-denied-forbidden'));
      return;
    }
    const acc = await access(ctx, cls.id, day);
    if (!acc) return;
    let sheet = await loadSheet(db, acc, day);
    const rolls = new Set(sheet.students.map((s) => s.roll));
    const outOfRange = parsed.marks.filter((m) => !rolls.has(m.roll)).map((m) => m.roll);
    if (outOfRange.length > 0) {
      await ctx.reply(ctx.t('attendance-quick-out-of-range', { numbers: outOfRange.join(', '), max: sheet.students.length, class: acc.className }));
      return;
    }
    // The first list of the day: the typed line is the whole list, everyone else is present.
    // After a submit it is a correction: only the students it names change.
    const correcting = sheet.submission !== null;
    if (!correcting) await changeMark(db, acc, day, { kind: 'all-present' });
    const now = clock(ctx, acc.timezone).time;
    for (const m of parsed.marks) sheet = (await changeMark(db, acc, day, { kind: 'set', roll: m.roll, status: m.status, time: m.time ?? now }))!;
    const { text } = renderSheet(ctx, sheet);
    const compact = compactDay(day);
    await ctx.reply(`${text}\n\n${ctx.t(correcting ? 'attendance-quick-confirm-correction' : 'attendance-quick-confirm')}`, {
      reply_markup: new InlineKeyboard().text(ctx.t('attendance-sheet-confirm-yes'), `at:y:${acc.classId}:${compact}`).text(ctx.t('attendance-quick-open-list'), `at:p:${acc.classId}:${compact}:0`),
    });
  });

  // --- office: today, reminders, substitutes, holidays -----------------------------------------
  async function officeSchool(ctx: BotContext) {
    const m = ctx.actor.staff.find((s) => s.roles.includes('operator') || s.roles.includes('principal'));
    if (!m) {
      await ctx.reply(ctx.t('attendance-denied-forbidden'));
      return null;
    }
    return m;
  }

  async function showToday(ctx: BotContext) {
    const m = await officeSchool(ctx);
    if (!m) return;
    const day = clock(ctx).day;
    const rows = await dayOverview(db, m.schoolId, day);
    const loc = locale(ctx);
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
            time: schoolClock('Asia/Phnom_Penh', r.submittedAt).time,
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
    if (missing > 0) kb.text(ctx.t('attendance-today-remind', { count: n(missing) }), `td:r:${compactDay(day)}`).row();
    rows.forEach((r, i) => {
      kb.text(`${r.submittedAt ? '✓' : '…'} ${r.className}`, `at:o:${r.classId}:${compactDay(day)}`);
      if (i % 4 === 3) kb.row();
    });
    await ctx.reply(lines.join('\n'), { reply_markup: kb });
  }

  composer.command('today', (ctx) => showToday(ctx));

  composer.callbackQuery(/^td:r:(\d{8})$/, async (ctx) => {
    const m = ctx.actor.staff.find((s) => s.roles.includes('operator') || s.roles.includes('principal'));
    const day = isoDay((ctx.match as RegExpMatchArray)[1]!);
    if (!m) {
      await ctx.answerCallbackQuery({ text: ctx.t('attendance-denied-forbidden'), show_alert: true });
      return;
    }
    const now = clock(ctx);
    if (day !== now.day) {
      await ctx.answerCallbackQuery({ text: ctx.t('attendance-stale-day', { date: formatDay(locale(ctx), day) }), show_alert: true });
      return;
    }
    const r = await remindMissing(db, { schoolId: m.schoolId, day, slot: `manual-${now.time.slice(0, 2)}`, actor: `tg:${ctx.from.id}` }, deps.notifier);
    deps.kickOutbox();
    await ctx.answerCallbackQuery({ text: ctx.t('attendance-today-reminded', { count: formatNumber(locale(ctx), r.messages) }), show_alert: true });
  });

  composer.command('substitute', async (ctx) => {
    const [className, staffCode, dayArg] = ctx.match.trim().split(/\s+/).filter(Boolean);
    if (!className || !staffCode) {
      await ctx.reply(ctx.t('attendance-substitute-usage'));
      return;
    }
    const day = dayArg ?? clock(ctx).day;
    if (!isRealDay(day)) {
      await ctx.reply(ctx.t('attendance-substitute-usage'));
      return;
    }
    const r = await assignSubstitute(db, ctx.actor, { className, staffCode, day });
    await ctx.reply(r.ok ? ctx.t('attendance-substitute-done', { class: r.className, name: r.staffName, date: formatDay(locale(ctx), day) }) : ctx.t(`attendance-substitute-${r.reason}`));
  });

  composer.command('holiday', async (ctx) => {
    const m = await officeSchool(ctx);
    if (!m) return;
    const [first, ...rest] = ctx.match.trim().split(/\s+/).filter(Boolean);
    const today = clock(ctx).day;
    if (!first) {
      const list = await upcomingHolidays(db, m.schoolId, today);
      const loc = locale(ctx);
      await ctx.reply(list.length ? [ctx.t('attendance-holiday-list'), ...list.map((h) => `• ${formatDay(loc, h.day)}${h.note ? ` — ${h.note}` : ''}`)].join('\n') : ctx.t('attendance-holiday-none'));
      return;
    }
    const undo = first === 'remove' || first === 'off';
    const day = undo ? rest.shift() : first;
    if (!day || !isRealDay(day)) {
      await ctx.reply(ctx.t('attendance-holiday-usage'));
      return;
    }
    await setCalendarDay(db, { schoolId: m.schoolId, day, kind: undo ? 'normal' : 'holiday', note: rest.join(' ') || undefined, actor: `tg:${ctx.from!.id}` });
    await ctx.reply(ctx.t(undo ? 'attendance-holiday-removed' : 'attendance-holiday-set', { date: formatDay(locale(ctx), day) }));
  });

  // --- guardians answer an alert ----------------------------------------------------------------
  composer.callbackQuery(/^ab:(\d{1,15}):([slu])$/, async (ctx) => {
    const [, id, code] = ctx.match as RegExpMatchArray;
    const answer = code === 's' ? 'sick' : code === 'l' ? 'late' : 'unaware';
    const r = await answerAlert(db, ctx.from.id, Number(id), answer);
    if (!r.ok) {
      await ctx.answerCallbackQuery({ text: ctx.t('attendance-alert-not-yours'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery({ text: ctx.t('attendance-alert-answer-recorded') });
    const original = ctx.callbackQuery.message && 'text' in ctx.callbackQuery.message ? ctx.callbackQuery.message.text : '';
    await ctx
      .editMessageText(`${original ?? ''}\n\n${ctx.t('attendance-alert-answered', { answer: ctx.t(`attendance-answer-${answer}`) })}`.trim())
      .catch(ignoreNotModified);
  });

  return composer;
}

function ignoreNotModified(err: unknown): void {
  if (err instanceof Error && /message is not modified/.test(err.message)) return;
  throw err;
}

