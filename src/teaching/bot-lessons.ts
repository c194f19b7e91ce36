/**
 * The lesson book in the chat. The end-of-shift message (queued by the worker) is edited in place
 * as the teacher presses: ✅ confirms every open lesson at once; ✏️ opens one lesson (taught, not
 * taught and why, taught by someone else, its topic typed in a short conversation). /lessons
 * [date] opens one's book of a day; the principal opens a teacher's (`/lessons T005 2026-11-23`)
 * to correct it, closed weeks included. /week shows the week to close: the homeroom teacher's
 * classes, the principal's school. Every press is checked again by the service.
 */
import { Composer } from 'grammy';
import type { Conversation } from '@grammyjs/conversations';
import type { AppDeps, BotContext, ConvContext } from '../core/telegram/context.js';
import { ignoreNotModified } from '../core/telegram/errors.js';
import { isRealDay } from '../core/clock.js';
import { asciiDigits, formatNumber } from '../core/i18n/index.js';
import { bookAccess, lessonById, openBook, othersFor, todayFor } from './access.js';
import {
  bookConfirm,
  bookShow,
  lessonBy,
  lessonNotTaught,
  lessonOpen,
  lessonOthers,
  lessonReason,
  lessonTaught,
  lessonTopic,
  weekClose,
  type BookShift,
} from './buttons.js';
import { changeLesson, confirmBook, mayChange, MAX_TOPIC_CHARS, weekStartOf, type LessonChange } from './lessons.js';
import { renderBook, renderLesson, renderOthers, renderReasons, type View } from './lessons-view.js';
import { closeWeek, renderWeek, weekSummary } from './weeks.js';

export const TOPIC_FLOW = 'lb-topic';

type TopicArgs = { lessonId: number; owner: number; chatId: number; messageId: number };

export function lessonsFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;
  const t = deps.notifier.t;

  /** The book as the actor may see it, or undefined (refused and audited). */
  const bookView = async (ctx: BotContext, owner: number, day: string, shift: BookShift): Promise<View | undefined> => {
    const book = await openBook(db, ctx.actor, owner, day, shift, deps.now());
    if (!book) return undefined;
    const { access, lessons } = book;
    return renderBook(lessons, { owner, ownerName: access.ownerName, day, shift, locale: ctx.locale, t, timezone: access.timezone, viewer: access.viewer });
  };

  const edit = (ctx: BotContext, view: View) => ctx.editMessageText(view.text, { reply_markup: view.reply_markup }).catch(ignoreNotModified);

  async function showBook(ctx: BotContext, owner: number, day: string, shift: BookShift) {
    const view = await bookView(ctx, owner, day, shift);
    if (!view) {
      await ctx.answerCallbackQuery({ text: ctx.t('teaching-denied-book'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await edit(ctx, view);
  }

  composer.callbackQuery(bookConfirm.pattern, async (ctx) => {
    const b = bookConfirm.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    const r = await confirmBook(db, ctx.actor, b.owner, b.day, b.shift, deps.now());
    if (!r.ok && r.reason === 'forbidden') return ctx.answerCallbackQuery({ text: ctx.t('teaching-denied-book'), show_alert: true });
    await ctx.answerCallbackQuery({ text: r.ok ? ctx.t('teaching-book-confirmed', { count: formatNumber(ctx.locale, r.confirmed) }) : ctx.t(`teaching-book-refused-${r.reason}`), show_alert: !r.ok });
    const view = await bookView(ctx, b.owner, b.day, b.shift);
    if (view) await edit(ctx, view);
  });

  composer.callbackQuery(bookShow.pattern, async (ctx) => {
    const b = bookShow.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    await showBook(ctx, b.owner, b.day, b.shift);
  });

  /** The lesson of a press, if this actor may change it (told and audited otherwise). */
  async function changeable(ctx: BotContext, lessonId: number) {
    const lesson = await lessonById(db, lessonId, deps.now());
    const may = lesson ? mayChange(ctx.actor, lesson) : ({ ok: false, reason: 'not-found' } as const);
    if (!lesson || !may.ok) {
      await ctx.answerCallbackQuery({ text: ctx.t(`teaching-lesson-refused-${may.ok ? 'not-found' : may.reason}`), show_alert: true });
      return undefined;
    }
    return lesson;
  }

  composer.callbackQuery(lessonOpen.pattern, async (ctx) => {
    const b = lessonOpen.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    const lesson = await changeable(ctx, b.lesson);
    if (!lesson) return;
    await ctx.answerCallbackQuery();
    await edit(ctx, renderLesson(lesson, b.owner, ctx.locale, t));
  });

  composer.callbackQuery(lessonNotTaught.pattern, async (ctx) => {
    const b = lessonNotTaught.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    const lesson = await changeable(ctx, b.lesson);
    if (!lesson) return;
    await ctx.answerCallbackQuery();
    await edit(ctx, renderReasons(lesson, b.owner, ctx.locale, t));
  });

  composer.callbackQuery(lessonOthers.pattern, async (ctx) => {
    const b = lessonOthers.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    if (!(await changeable(ctx, b.lesson))) return;
    const found = await othersFor(db, b.lesson, deps.now());
    await ctx.answerCallbackQuery();
    if (found) await edit(ctx, renderOthers(found.lesson, b.owner, found.people, ctx.locale, t));
  });

  async function apply(ctx: BotContext, lessonId: number, owner: number, change: LessonChange) {
    const r = await changeLesson(db, ctx.actor, lessonId, change, deps.now(), deps.notifier);
    if (!r.ok) return ctx.answerCallbackQuery({ text: ctx.t(`teaching-lesson-refused-${r.reason}`), show_alert: true });
    if (change.kind === 'taught-by') deps.kickOutbox();
    await ctx.answerCallbackQuery({ text: ctx.t('teaching-lesson-saved') });
    const view = await bookView(ctx, owner, r.lesson.day, r.lesson.shift);
    if (view) await edit(ctx, view);
  }

  composer.callbackQuery(lessonTaught.pattern, async (ctx) => {
    const b = lessonTaught.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    await apply(ctx, b.lesson, b.owner, { kind: 'taught' });
  });
  composer.callbackQuery(lessonReason.pattern, async (ctx) => {
    const b = lessonReason.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    await apply(ctx, b.lesson, b.owner, { kind: 'not-taught', reason: b.reason });
  });
  composer.callbackQuery(lessonBy.pattern, async (ctx) => {
    const b = lessonBy.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    await apply(ctx, b.lesson, b.owner, { kind: 'taught-by', staffId: b.staff });
  });
  composer.callbackQuery(lessonTopic.pattern, async (ctx) => {
    const b = lessonTopic.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    if (!(await changeable(ctx, b.lesson))) return;
    await ctx.answerCallbackQuery();
    const args: TopicArgs = { lessonId: b.lesson, owner: b.owner, chatId: ctx.chat!.id, messageId: ctx.callbackQuery.message?.message_id ?? 0 };
    await ctx.conversation.enter(TOPIC_FLOW, args);
  });

  composer.callbackQuery(weekClose.pattern, async (ctx) => {
    const b = weekClose.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    const today = await todayFor(db, ctx.actor, deps.now());
    const r = await closeWeek(db, ctx.actor, { weekStart: b.week, classId: b.cls, today });
    if (!r.ok) return ctx.answerCallbackQuery({ text: ctx.t(`teaching-week-refused-${r.reason}`), show_alert: true });
    await ctx.answerCallbackQuery({ text: ctx.t(r.already ? 'teaching-week-already' : 'teaching-week-done') });
    await edit(ctx, renderWeek(r.summary, ctx.locale, t));
  });

  composer.command('lessons', async (ctx) => {
    const words = asciiDigits(ctx.match).trim().split(/\s+/).filter(Boolean);
    const today = await todayFor(db, ctx.actor, deps.now());
    const dayWord = words.find((w) => /^\d{4}-\d{2}-\d{2}$/.test(w));
    const code = words.find((w) => w !== dayWord);
    const day = dayWord ?? today;
    if ((dayWord && !isRealDay(dayWord)) || day > today || words.length > 2) {
      await ctx.reply(ctx.t('teaching-lessons-usage'));
      return;
    }
    const me = ctx.actor.staff[0];
    const access = code ? await bookAccess(db, ctx.actor, { code }) : me ? await bookAccess(db, ctx.actor, me.staffId) : undefined;
    if (!access) {
      await ctx.reply(ctx.t(code ? 'teaching-denied-book' : 'teaching-denied-not-linked'));
      return;
    }
    const view = await bookView(ctx, access.owner, day, 'all');
    if (view) await ctx.reply(view.text, { reply_markup: view.reply_markup });
  });

  composer.command('week', async (ctx) => {
    const arg = asciiDigits(ctx.match).trim();
    const today = await todayFor(db, ctx.actor, deps.now());
    if (arg && (!isRealDay(arg) || arg > today)) {
      await ctx.reply(ctx.t('teaching-week-usage'));
      return;
    }
    const weekStart = weekStartOf(arg || today);
    let shown = 0;
    for (const m of ctx.actor.staff) {
      for (const classId of m.homeroomClassIds) {
        const view = renderWeek(await weekSummary(db, m.schoolId, weekStart, classId), ctx.locale, t);
        await ctx.reply(view.text, { reply_markup: view.reply_markup });
        shown++;
      }
      if (m.roles.includes('principal')) {
        const view = renderWeek(await weekSummary(db, m.schoolId, weekStart, null), ctx.locale, t);
        await ctx.reply(view.text, { reply_markup: view.reply_markup });
        shown++;
      }
    }
    if (shown === 0) await ctx.reply(ctx.t('teaching-week-nothing'));
  });
  return composer;
}

export async function topicFlow(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext, args: TopicArgs) {
  await ctx.reply(ctx.t('teaching-topic-ask', { max: formatNumber(ctx.locale, MAX_TOPIC_CHARS) }));
  for (;;) {
    const u = await conversation.wait({ maxMilliseconds: 15 * 60_000 });
    if (!u.message) await conversation.skip({ next: true });
    const text = u.message?.text;
    if (!text) {
      await u.reply(u.t('teaching-topic-need-text'));
      continue;
    }
    const outcome = await conversation.external(async (outside) => {
      const r = await changeLesson(outside.deps.database.db, outside.actor, args.lessonId, { kind: 'topic', topic: text }, outside.deps.now());
      if (!r.ok) return { done: r.reason !== 'bad-topic', text: outside.t(`teaching-lesson-refused-${r.reason}`), view: null };
      const book = await openBook(outside.deps.database.db, outside.actor, args.owner, r.lesson.day, r.lesson.shift, outside.deps.now());
      const view = book
        ? renderBook(book.lessons, { owner: args.owner, ownerName: book.access.ownerName, day: r.lesson.day, shift: r.lesson.shift, locale: outside.locale, t: outside.deps.notifier.t, timezone: book.access.timezone, viewer: book.access.viewer })
        : null;
      return { done: true, text: outside.t('teaching-topic-saved'), view };
    });
    await u.reply(outcome.text);
    if (outcome.view && args.messageId) await u.api.editMessageText(args.chatId, args.messageId, outcome.view.text, { reply_markup: outcome.view.reply_markup }).catch(() => {});
    if (outcome.done) return;
  }
}
