/**
 * Attendance in the chat. Teachers: /attendance → their class → a sheet of buttons (a tap
 * cycles present → absent → late → excused) → Submit → confirm; or a typed line
 * (`7A absent 3 17 22 late 5`) → confirm. Office (operator, principal): /today, reminders,
 * marking on a teacher's behalf, substitutes, holidays. Guardians: answers to absence alerts.
 *
 * Every button is declared in buttons.ts and built and read only through it: sheet buttons carry
 * the class and the day, so a button from yesterday or for a class that is not yours is recognised
 * and refused; data we never made (forged, out of range) gets "out of date".
 */
import { Composer, InlineKeyboard, type CallbackQueryContext } from 'grammy';
import type { Conversation } from '@grammyjs/conversations';
import {
  alertAnswer,
  attendanceHome,
  legacyAlertAnswer,
  noop,
  parseSheetPress,
  SHEET_BUTTONS,
  sheetAllPresent,
  sheetConfirm,
  sheetOpen,
  sheetPage,
  sheetReason,
  sheetSubmit,
  sheetBackPresent,
  sheetToggle,
} from './buttons.js';
import type { AppDeps, BaseContext, BotContext, ConvContext } from '../core/telegram/context.js';
import { ignoreNotModified } from '../core/telegram/errors.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { officeMembership } from '../core/auth/actor.js';
import { isRealDay, schoolClock } from '../core/clock.js';
import { displayName, formatDay, formatNumber, formatTime } from '../core/i18n/index.js';
import {
  accessClass,
  answerAlert,
  changeMark,
  classesFor,
  countMarks,
  discardDraft,
  loadSheet,
  refuseAnswer,
  sheetStamp,
  StaleSheetError,
  submitSheet,
  type ClassAccess,
  type Denied,
  type AlertAnswer,
  type MarkChange,
  type Sheet,
} from './service.js';
import { clock, officeFeature, typedDay } from './bot-office.js';
import { parseQuickAttendance } from './quick.js';
import type { AttendanceStatus } from './schema.js';

const PAGE_SIZE = 20;
const ICON: Record<AttendanceStatus, string> = { present: '✅', absent: '❌', late: '⏰', excused: '📝' };
const RESPONSE_ICON: Record<string, string> = { sick: '🤒', late: '🕒', unaware: '❓' };

/** Roll numbers are the roster's (ASCII digits in every language: teachers type them so). */
function studentLabel(ctx: BaseContext, s: Sheet['students'][number]): string {
  return `${s.roll}. ${ICON[s.mark.status]} ${displayName(ctx.locale, s)}`;
}

export function renderSheet(ctx: BaseContext, sheet: Sheet, page = 0, focusRoll?: number): { text: string; keyboard: InlineKeyboard } {
  const loc = ctx.locale;
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
    const name = displayName(loc, s);
    const detail =
      s.mark.status === 'late' && s.mark.arrivedAt
        ? ` ${formatTime(loc, s.mark.arrivedAt)}`
        : s.mark.status === 'excused' && s.mark.reason
          ? ` (${ctx.t(`attendance-reason-${s.mark.reason}`)}${s.mark.note ? `: ${s.mark.note}` : ''})`
          : '';
    const answer = s.response ? ` · ${RESPONSE_ICON[s.response] ?? ''} ${ctx.t(`attendance-answer-${s.response}`)}` : '';
    lines.push(`${ICON[s.mark.status]} ${s.roll}. ${name}${detail}${answer}`);
  }
  if (sheet.submission && !sheet.draft) {
    lines.push(ctx.t('attendance-sheet-submitted', { time: formatTime(loc, schoolClock('Asia/Phnom_Penh', new Date(sheet.submission.submittedAt)).time) }));
  } else if (sheet.submission) {
    lines.push(ctx.t('attendance-sheet-correcting'));
  } else {
    lines.push(ctx.t('attendance-sheet-hint'));
  }

  const ref = { classId: sheet.classId, day: sheet.day };
  const stamped = { ...ref, stamp: sheetStamp(sheet) };
  const pages = Math.max(1, Math.ceil(sheet.students.length / PAGE_SIZE));
  const p = Math.min(Math.max(page, 0), pages - 1);
  // Rows are built whole (Telegram refuses empty rows; an InlineKeyboard starts with one).
  const button = InlineKeyboard.text;
  const rows: ReturnType<typeof button>[][] = [];
  const onPage = sheet.students.slice(p * PAGE_SIZE, (p + 1) * PAGE_SIZE);
  for (let i = 0; i < onPage.length; i += 2) {
    rows.push(onPage.slice(i, i + 2).map((s) => button(studentLabel(ctx, s), sheetToggle.pack({ ...stamped, roll: s.roll, page: p }))));
  }
  const focus = focusRoll === undefined ? undefined : sheet.students.find((s) => s.roll === focusRoll);
  // The student just marked otherwise goes back to present in one tap (not round the cycle).
  if (focus && focus.mark.status !== 'present') {
    rows.push([button(`↩️ ${ctx.t('attendance-sheet-back-present', { name: displayName(loc, focus) })}`, sheetBackPresent.pack({ ...stamped, roll: focus.roll, page: p }))]);
  }
  if (focus?.mark.status === 'excused') {
    rows.push([
      button(`🤒 ${ctx.t('attendance-reason-sick')}`, sheetReason.pack({ ...stamped, roll: focus.roll, reason: 'sick' })),
      button(`👪 ${ctx.t('attendance-reason-family')}`, sheetReason.pack({ ...stamped, roll: focus.roll, reason: 'family' })),
      button(`✏️ ${ctx.t('attendance-reason-other')}`, sheetReason.pack({ ...stamped, roll: focus.roll, reason: 'other' })),
    ]);
  }
  if (pages > 1) {
    rows.push([
      button(p > 0 ? '◀️' : '·', p > 0 ? sheetPage.pack({ ...ref, page: p - 1 }) : noop.pack({})),
      button(`${formatNumber(loc, p + 1)}/${formatNumber(loc, pages)}`, noop.pack({})),
      button(p < pages - 1 ? '▶️' : '·', p < pages - 1 ? sheetPage.pack({ ...ref, page: p + 1 }) : noop.pack({})),
    ]);
  }
  rows.push([button(ctx.t('attendance-sheet-all-present'), sheetAllPresent.pack(stamped)), button(ctx.t('attendance-sheet-submit'), sheetSubmit.pack(stamped))]);
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
      await outside.reply(outside.t(deniedKey(acc.reason), { date: formatDay(outside.locale, args.day) }));
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
      // A button from another day is the common case of a stale button: say which day it was.
      // A typed day too far back says how far back lists may be corrected.
      const key =
        result.reason !== 'day-closed' || day === today
          ? deniedKey(result.reason)
          : ctx.callbackQuery
            ? 'attendance-stale-day'
            : officeMembership(ctx.actor)
              ? 'attendance-denied-too-old'
              : deniedKey(result.reason);
      const text = ctx.t(key, { date: formatDay(ctx.locale, day) });
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: true });
      else await ctx.reply(text);
      // The list of an earlier day stays in the chat: say so there too, and offer today's.
      if (key === 'attendance-stale-day' && day < today) {
        await ctx.reply(text, { reply_markup: new InlineKeyboard().text(ctx.t('attendance-open-today'), sheetOpen.pack({ classId, day: today })) });
      }
      return null;
    }
    return result;
  }

  /** Opening a class sheet is a staff read of the children's records (ids only). */
  const auditSheetRead = (ctx: BotContext, acc: ClassAccess, day: string) =>
    audit(db, { actor: actorOf(ctx.from!.id), schoolId: acc.schoolId, action: 'attendance.read', entity: 'class', entityId: acc.classId, details: { day, via: acc.via } });

  async function showSheet(ctx: BotContext, sheet: Sheet, page = 0, focusRoll?: number, edit = Boolean(ctx.callbackQuery)) {
    const { text, keyboard } = renderSheet(ctx, sheet, page, focusRoll);
    if (edit) await ctx.editMessageText(text, { reply_markup: keyboard }).catch(ignoreNotModified);
    else await ctx.reply(text, { reply_markup: keyboard });
  }

  async function openAttendance(ctx: BotContext, className?: string, dayArg?: string) {
    const today = clock(ctx).day;
    const day = typedDay(dayArg) ?? today;
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
      await auditSheetRead(ctx, a, day);
      await showSheet(ctx, await loadSheet(db, a, day), 0, undefined, false);
      return;
    }
    const kb = new InlineKeyboard();
    wanted.forEach((c, i) => {
      kb.text(`${c.name} · ${ctx.t(`core-shift-${c.shift}`)}`, sheetOpen.pack({ classId: c.id, day }));
      if (i % 3 === 2) kb.row();
    });
    await ctx.reply(ctx.t('attendance-choose-class', { date: formatDay(ctx.locale, day) }), { reply_markup: kb });
  }

  composer.callbackQuery(attendanceHome.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await openAttendance(ctx);
  });

  composer.command('attendance', async (ctx) => {
    if (!ctx.actor.staff.length) {
      // A parent hears where their child's attendance is; anyone else (e.g. staff who left) is refused.
      await ctx.reply(ctx.t(ctx.actor.childIds.length > 0 ? 'attendance-staff-only' : 'attendance-denied-forbidden'));
      return;
    }
    const [className, day] = ctx.match.trim().split(/\s+/).filter(Boolean);
    await openAttendance(ctx, className, day);
  });

  // --- the sheet --------------------------------------------------------------------------
  composer.callbackQuery(
    SHEET_BUTTONS.map((b) => b.pattern),
    async (ctx) => {
      const press = parseSheetPress(ctx.callbackQuery.data);
      if (!press) {
        // Data we never made (an id out of range, a cut or forged button): nothing to look up.
        await ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
        return;
      }
      const { classId, day } = press;
      const acc = await access(ctx, classId, day);
      if (!acc) return;
      const loc = ctx.locale;
      const now = clock(ctx, acc.timezone);
      // A button of an older message of this list (another list opened since, a typed line, a
      // family's answer changed a mark): nothing changes; this message becomes the current list.
      // (A confirm checks its stamp inside the submit, under the class's lock.)
      if (press.stamp !== undefined && press.op !== 'confirm') {
        const current = await loadSheet(db, acc, day);
        if (sheetStamp(current) !== press.stamp) {
          await ctx.answerCallbackQuery({ text: ctx.t('attendance-sheet-stale'), show_alert: true });
          await showSheet(ctx, current);
          return;
        }
      }
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
      switch (press.op) {
        case 'open':
          await ctx.answerCallbackQuery();
          await auditSheetRead(ctx, acc, day);
          await showSheet(ctx, await loadSheet(db, acc, day), 0, undefined, false);
          return;
        case 'page':
          await ctx.answerCallbackQuery();
          await showSheet(ctx, await loadSheet(db, acc, day), press.page);
          return;
        case 'toggle':
          await change({ kind: 'cycle', roll: press.roll, time: now.time }, press.page, press.roll);
          return;
        case 'back-present':
          await change({ kind: 'set', roll: press.roll, status: 'present' }, press.page, press.roll);
          return;
        case 'all-present':
          await change({ kind: 'all-present' }, 0);
          return;
        case 'reason':
          if (press.reason === 'other') {
            await ctx.answerCallbackQuery();
            await ctx.conversation.enter('excuse-note', { classId, day, roll: press.roll });
            return;
          }
          await change({ kind: 'reason', roll: press.roll, reason: press.reason }, Math.floor((press.roll - 1) / PAGE_SIZE), press.roll);
          return;
        case 'submit': {
          await ctx.answerCallbackQuery();
          const sheet = await loadSheet(db, acc, day);
          const stamp = sheetStamp(sheet);
          const c = countMarks(sheet);
          const absent = sheet.students.filter((s) => s.mark.status === 'absent');
          await ctx
            .editMessageText(
              ctx.t('attendance-sheet-confirm', {
                class: sheet.className,
                present: formatNumber(loc, c.present),
                absent: formatNumber(loc, c.absent),
                late: formatNumber(loc, c.late),
                excused: formatNumber(loc, c.excused),
                names: absent.map((s) => displayName(loc, s)).join(', ') || '—',
              }),
              {
                reply_markup: new InlineKeyboard()
                  .text(ctx.t('attendance-sheet-confirm-yes'), sheetConfirm.pack({ classId, day, stamp }))
                  .text(ctx.t('attendance-sheet-back'), sheetPage.pack({ classId, day, page: 0 })),
              },
            )
            .catch(ignoreNotModified);
          return;
        }
        case 'confirm': {
          const result = await submitSheet(db, acc, day, ctx.actor, { today: now.day, stamp: press.stamp }).catch((err: unknown) => {
            if (err instanceof StaleSheetError) return null;
            throw err;
          });
          if (!result) {
            await ctx.answerCallbackQuery({ text: ctx.t('attendance-sheet-stale'), show_alert: true });
            await showSheet(ctx, await loadSheet(db, acc, day));
            return;
          }
          deps.kickOutbox();
          await ctx.answerCallbackQuery({ text: ctx.t('attendance-sheet-done-short') });
          await ctx
            .editMessageText(
              ctx.t(result.version > 1 ? 'attendance-sheet-corrected' : 'attendance-sheet-done', {
                class: acc.className,
                time: formatTime(loc, now.time),
                alerts: formatNumber(loc, result.alertsQueued),
                corrections: formatNumber(loc, result.correctionsQueued),
              }),
              { reply_markup: new InlineKeyboard().text(ctx.t('attendance-sheet-correct'), sheetPage.pack({ classId, day, page: 0 })) },
            )
            .catch(ignoreNotModified);
          return;
        }
      }
    },
  );
  composer.callbackQuery(noop.pattern, (ctx) => ctx.answerCallbackQuery());

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
      // Roll numbers as typed (and as the sheet shows them); the class size is a count.
      await ctx.reply(ctx.t('attendance-quick-out-of-range', { numbers: outOfRange.join(', '), max: formatNumber(ctx.locale, sheet.students.length), class: acc.className }));
      return;
    }
    // The first list of the day: the typed line is the whole list, everyone else is present.
    // After a submit it is a correction: only the students it names change.
    const correcting = sheet.submission !== null;
    if (correcting) await discardDraft(db, acc, day);
    else await changeMark(db, acc, day, { kind: 'all-present' });
    const now = clock(ctx, acc.timezone).time;
    for (const m of parsed.marks) sheet = (await changeMark(db, acc, day, { kind: 'set', roll: m.roll, status: m.status, time: m.time ?? now }))!;
    const { text } = renderSheet(ctx, sheet);
    const ref = { classId: acc.classId, day };
    await ctx.reply(`${text}\n\n${ctx.t(correcting ? 'attendance-quick-confirm-correction' : 'attendance-quick-confirm')}`, {
      reply_markup: new InlineKeyboard().text(ctx.t('attendance-sheet-confirm-yes'), sheetConfirm.pack({ ...ref, stamp: sheetStamp(sheet) })).text(ctx.t('attendance-quick-open-list'), sheetPage.pack({ ...ref, page: 0 })),
    });
  });

  // --- office: today, reminders, substitutes, holidays (bot-office.ts) --------------------------
  composer.use(officeFeature(deps));

  // --- guardians answer an alert ----------------------------------------------------------------
  composer.callbackQuery(alertAnswer.pattern, (ctx) => answer(ctx, alertAnswer.parse(ctx.callbackQuery.data)));
  // Alerts queued before the answer had its own action (`ab:<id>:<s|l|u>`), and forged data of
  // the namespace: read through the same fields, refused as "not for you" when they do not parse.
  composer.callbackQuery(/^ab:/, (ctx) => answer(ctx, legacyAlertAnswer(ctx.callbackQuery.data)));

  async function answer(ctx: CallbackQueryContext<BotContext>, pressed: { alert: number; answer: AlertAnswer } | null) {
    const r = pressed ? await answerAlert(db, ctx.from.id, pressed.alert, pressed.answer) : await refuseAnswer(db, ctx.from.id);
    if (!r.ok) {
      await ctx.answerCallbackQuery({ text: ctx.t('attendance-alert-not-yours'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery({ text: ctx.t('attendance-alert-answer-recorded') });
    const names = r.children.map((c) => displayName(ctx.locale, c)).join(ctx.t('core-list-and'));
    const original = ctx.callbackQuery.message && 'text' in ctx.callbackQuery.message ? (ctx.callbackQuery.message.text ?? '') : '';
    // Rebuilt from the record (not only the old text, which an old or inaccessible message lacks):
    // which child, which day, what was answered.
    const answered = ctx.t('attendance-alert-answered-about', { names, date: formatDay(ctx.locale, r.day), answer: ctx.t(`attendance-answer-${r.answer}`) });
    await ctx.editMessageText(original ? `${original}\n\n${answered}` : answered).catch(ignoreNotModified);
  }

  return composer;
}

