/**
 * Parents' questions in the chat. A parent: /ask (or ❓ in /menu) → their child (skipped when one)
 * → a teacher of that child (homeroom first; skipped when one) → a text, voice message or photo,
 * optionally marked urgent. The teacher gets a copy with the child's name and class and a Reply
 * button; their answer (text or voice) goes to that parent only. /questions shows threads (a
 * teacher's open ones, a parent's own, the principal's whole school with response times); the
 * office records subject teachers (/teaches) and the answer time (/questions within 24); staff
 * set quiet hours (/quiet 20:00 06:30).
 *
 * Writing the question or the answer is a conversation (state in Postgres, so it survives a
 * restart) that reads only its own prompt's buttons (buttons.ts); any other button passes it by to
 * its owner. Buttons carry a thread id (reply, history, write back), a child and teacher, or a
 * message id (media); each press is checked again against the presser, and a forged one is
 * refused and audited.
 */
import { Composer, InlineKeyboard } from 'grammy';
import type { Message } from 'grammy/types';
import type { Conversation } from '@grammyjs/conversations';
import type { Button } from '../core/buttons.js';
import { hasRole, officeMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import type { AppDeps, BaseContext, BotContext, ConvContext } from '../core/telegram/context.js';
import { displayName, formatNumber, formatTime } from '../core/i18n/index.js';
import { safeError } from '../core/logger.js';
import { ignoreNotModified, isNotModified } from '../core/telegram/errors.js';
import {
  askHome,
  cancelButton,
  childButton,
  historyButton,
  isAnswerButton,
  isComposeButton,
  mediaButton,
  questionsHome,
  replyButton,
  teacherButton,
  urgentToggle,
  writeBackButton,
} from './buttons.js';
import { MAX_CAPTION_CHARS, MAX_MEDIA_BYTES, MAX_TEXT_CHARS, MAX_VOICE_SECONDS, parseTime, type Content } from './rules.js';
import { childName, formatDuration, formatMoment, historyText } from './render.js';
import { answerQuestion, askQuestion, childForAsking, childrenToAsk, mayAnswer, mayFollowUp, resolveTarget, type AnswerResult, type AskResult, type ChildChoice } from './service.js';
import { getQuietHours, rateStanding, setQuestionRules, setQuietHours, type RateStanding } from './service-rules.js';
import { mediaOf, openThreadsFor, parentThreads, viewThread, type ThreadSummary } from './service-threads.js';
import { schoolOverview } from './service-overview.js';
import { looseTextFeature } from './bot-loose.js';
import { addClassTeacher, listClassTeachers, removeClassTeacher } from './teaching.js';

export const COMPOSE = 'q-compose';
export const ANSWER = 'q-answer';
/** A question or answer not sent within this time is dropped (the next message is not taken for it). */
const WAIT_MS = 30 * 60_000;

type ComposeArgs = { to: { studentId: number; staffId: number } | { threadId: number }; teacher: string; child: string };
type AnswerArgs = { threadId: number; child: string; className: string };

/** What a message carries, as the rules read it. */
export function contentOf(m: Message): Content {
  if (typeof m.text === 'string') return { kind: 'text', text: m.text };
  if (m.voice) return { kind: 'voice', fileId: m.voice.file_id, seconds: m.voice.duration, bytes: m.voice.file_size, caption: m.caption };
  if (m.photo && m.photo.length > 0) {
    const largest = m.photo[m.photo.length - 1]!;
    return { kind: 'photo', fileId: largest.file_id, bytes: largest.file_size, caption: m.caption };
  }
  return { kind: 'unsupported' };
}

/** The words for a refusal or a problem with the message, in the reader's language. */
function refusalText(ctx: BaseContext, r: Exclude<AskResult | AnswerResult | RateStanding, { ok: true }>): string {
  const n = (x: number) => formatNumber(ctx.locale, x);
  if (r.reason === 'bad-content') {
    const max = r.problem === 'too-long' ? n(MAX_TEXT_CHARS) : r.problem === 'caption-too-long' ? n(MAX_CAPTION_CHARS) : r.problem === 'too-big' ? n(MAX_MEDIA_BYTES / 1024 / 1024) : n(MAX_VOICE_SECONDS / 60);
    return ctx.t(`questions-bad-${r.problem}`, { max });
  }
  if (r.reason === 'rate-hour' || r.reason === 'rate-day') return ctx.t(`questions-${r.reason}`, { limit: n(r.limit) });
  return ctx.t(`questions-denied-${r.reason}`);
}

function composeKeyboard(ctx: ConvContext, urgent: boolean): InlineKeyboard {
  return new InlineKeyboard().text(urgent ? ctx.t('questions-urgent-on') : ctx.t('questions-urgent-off'), urgentToggle.pack({})).text(ctx.t('questions-cancel'), cancelButton.pack({}));
}

/** Takes the buttons off a prompt once its question or answer went; a failure is only logged (the message was sent). */
async function clearPrompt(u: ConvContext, prompt: { chat: { id: number }; message_id: number }): Promise<void> {
  await u.api.editMessageReplyMarkup(prompt.chat.id, prompt.message_id).catch((err) => {
    if (!isNotModified(err)) u.deps.log.warn({ err: safeError(err) }, 'questions: could not clear a prompt');
  });
}

// --- writing a question ----------------------------------------------------------------------
export async function compose(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext, args: ComposeArgs) {
  let urgent = false;
  const prompt = await ctx.reply(ctx.t('questions-compose-prompt', { teacher: args.teacher, child: args.child }), { reply_markup: composeKeyboard(ctx, urgent) });
  for (;;) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    const data = u.callbackQuery?.data;
    // Another button (this capability's history, another capability's) or an edit is not for
    // this prompt: it goes on to its owner and the question stays open.
    if ((data !== undefined && !isComposeButton(data)) || (data === undefined && !u.message)) await conversation.skip({ next: true });
    if (urgentToggle.parse(data)) {
      urgent = !urgent;
      await u.answerCallbackQuery({ text: u.t(urgent ? 'questions-urgent-set' : 'questions-urgent-unset') });
      await u.editMessageReplyMarkup({ reply_markup: composeKeyboard(u, urgent) }).catch(ignoreNotModified);
      continue;
    }
    if (cancelButton.parse(data)) {
      await u.answerCallbackQuery();
      await u.editMessageText(u.t('questions-cancelled')).catch(ignoreNotModified);
      return;
    }
    const content = contentOf(u.message!);
    const outcome = await conversation.external(async (outside) => {
      const r = await askQuestion(outside.deps.database.db, { actor: outside.actor, to: args.to, content, urgent }, { notifier: outside.deps.notifier, now: outside.deps.now() });
      if (!r.ok) return { sent: false, retry: r.reason === 'bad-content', text: refusalText(outside, r) };
      outside.deps.kickOutbox();
      const text = r.delayedUntil
        ? outside.t('questions-sent-later', { teacher: args.teacher, time: formatMoment(outside.locale, new Date(r.delayedUntil), r.timezone) })
        : outside.t('questions-sent', { teacher: args.teacher });
      return { sent: true, retry: false, text };
    });
    if (outcome.sent) await clearPrompt(u, prompt);
    await u.reply(outcome.text);
    if (!outcome.retry) return;
  }
}

// --- writing an answer ---------------------------------------------------------------------------
export async function answer(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext, args: AnswerArgs) {
  const prompt = await ctx.reply(ctx.t('questions-answer-prompt', { child: args.child, class: args.className }), {
    reply_markup: new InlineKeyboard().text(ctx.t('questions-cancel'), cancelButton.pack({})),
  });
  for (;;) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    const data = u.callbackQuery?.data;
    if ((data !== undefined && !isAnswerButton(data)) || (data === undefined && !u.message)) await conversation.skip({ next: true });
    if (cancelButton.parse(data)) {
      await u.answerCallbackQuery();
      await u.editMessageText(u.t('questions-cancelled')).catch(ignoreNotModified);
      return;
    }
    const content = contentOf(u.message!);
    const outcome = await conversation.external(async (outside) => {
      const r = await answerQuestion(outside.deps.database.db, { actor: outside.actor, threadId: args.threadId, content }, { notifier: outside.deps.notifier, now: outside.deps.now() });
      if (!r.ok) return { sent: false, retry: r.reason === 'bad-content', text: r.reason === 'parent-gone' ? outside.t('questions-parent-gone') : refusalText(outside, r) };
      outside.deps.kickOutbox();
      return { sent: true, retry: false, text: outside.t('questions-answer-sent', { child: args.child }) };
    });
    if (outcome.sent) await clearPrompt(u, prompt);
    await u.reply(outcome.text);
    if (!outcome.retry) return;
  }
}

export function questionsFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;

  async function deny(ctx: BotContext, text: string) {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: true });
    else await ctx.reply(text);
  }

  /** A button's handler, with its parsed values; forged or out-of-range data goes on to the fallback. */
  const onButton = <V,>(button: Pick<Button<any>, 'pattern'> & { parse(data: string | undefined): V | null }, handler: (ctx: BotContext, values: V) => Promise<unknown>) =>
    composer.callbackQuery(button.pattern, async (ctx, next) => {
      const values = button.parse(ctx.callbackQuery.data);
      if (!values) return next();
      await handler(ctx, values);
    });

  /** The schools where this person is the principal (who answers for the school's promise to parents). */
  const principalSchools = (ctx: BotContext) => [...new Set(ctx.actor.staff.filter((m) => m.roles.includes('principal')).map((m) => m.schoolId))];

  async function enterCompose(ctx: BotContext, args: ComposeArgs, schoolId: number) {
    // Checked again here: an old button skips /ask, and the child's school sets the limit.
    const standing = await rateStanding(db, ctx.from!.id, schoolId, deps.now());
    if (!standing.ok) {
      await deny(ctx, refusalText(ctx, standing));
      return;
    }
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(COMPOSE, args);
  }

  async function chooseTeacher(ctx: BotContext, child: ChildChoice) {
    const loc = ctx.locale;
    if (child.teachers.length === 0) {
      await deny(ctx, ctx.t('questions-no-teachers', { child: childName(loc, child) }));
      return;
    }
    if (child.teachers.length === 1) {
      const t = child.teachers[0]!;
      await enterCompose(ctx, { to: { studentId: child.studentId, staffId: t.staffId }, teacher: displayName(loc, t), child: childName(loc, child) }, child.schoolId);
      return;
    }
    const kb = new InlineKeyboard();
    for (const t of child.teachers) {
      const role = t.homeroom ? ctx.t('questions-homeroom') : t.subject || ctx.t('questions-subject-teacher');
      kb.text(`${displayName(loc, t)} — ${role}`, teacherButton.pack({ studentId: child.studentId, staffId: t.staffId })).row();
    }
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t('questions-choose-teacher', { child: childName(loc, child) }), { reply_markup: kb });
  }

  async function startAsk(ctx: BotContext) {
    if (!hasRole(ctx.actor, 'parent')) {
      await audit(db, { actor: actorOf(ctx.from!.id), action: 'question.ask', outcome: 'denied', details: { reason: 'not-a-parent' } });
      await deny(ctx, ctx.t('questions-denied-not-a-parent'));
      return;
    }
    const children = await childrenToAsk(db, ctx.actor);
    if (children.length === 0) {
      await ctx.reply(ctx.t('questions-no-children'));
      return;
    }
    // Stop early (before they choose and type) when the parent has used up their questions.
    const standing = await rateStanding(db, ctx.from!.id, children[0]!.schoolId, deps.now());
    if (!standing.ok) {
      await deny(ctx, refusalText(ctx, standing));
      return;
    }
    if (children.length === 1) {
      await chooseTeacher(ctx, children[0]!);
      return;
    }
    const loc = ctx.locale;
    const kb = new InlineKeyboard();
    for (const c of children) kb.text(`${childName(loc, c)}${c.className ? ` · ${c.className}` : ''}`, childButton.pack({ studentId: c.studentId })).row();
    await ctx.reply(ctx.t('questions-choose-child'), { reply_markup: kb });
  }

  composer.callbackQuery(askHome.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await startAsk(ctx);
  });
  composer.callbackQuery(questionsHome.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showQuestions(ctx);
  });

  composer.command('ask', (ctx) => startAsk(ctx));

  onButton(childButton, async (ctx, { studentId }) => {
    const r = await childForAsking(db, ctx.actor, studentId);
    if (!r.ok) return deny(ctx, ctx.t(`questions-denied-${r.reason}`));
    await chooseTeacher(ctx, r.child);
  });

  onButton(teacherButton, async (ctx, { studentId, staffId }) => {
    const r = await resolveTarget(db, ctx.actor, studentId, staffId);
    if (!r.ok) return deny(ctx, ctx.t(`questions-denied-${r.reason}`));
    const loc = ctx.locale;
    const { child, teacher } = r.target;
    await enterCompose(ctx, { to: { studentId: child.studentId, staffId: teacher.staffId }, teacher: displayName(loc, teacher), child: childName(loc, child) }, child.schoolId);
  });

  // The parent writes again in a thread (after an answer, or to add something).
  onButton(writeBackButton, async (ctx, { threadId }) => {
    const r = await mayFollowUp(db, ctx.actor, threadId);
    if (!r.ok) return deny(ctx, ctx.t(`questions-denied-${r.reason}`));
    const loc = ctx.locale;
    await enterCompose(ctx, { to: { threadId }, teacher: displayName(loc, r.teacher), child: childName(loc, r.child) }, r.schoolId);
  });

  // --- the teacher answers -------------------------------------------------------------------------
  onButton(replyButton, async (ctx, { threadId }) => {
    const r = await mayAnswer(db, ctx.actor, threadId);
    if (!r.ok) return deny(ctx, ctx.t(`questions-denied-${r.reason}`));
    await ctx.answerCallbackQuery();
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(ANSWER, { threadId, child: childName(ctx.locale, r.child), className: r.className ?? '—' } satisfies AnswerArgs);
  });

  // --- history and media ---------------------------------------------------------------------------
  async function showThread(ctx: BotContext, threadId: number) {
    const r = await viewThread(db, ctx.actor, threadId);
    if (!r.ok) return deny(ctx, ctx.t(`questions-denied-${r.reason}`));
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    const loc = ctx.locale;
    const kb = new InlineKeyboard();
    r.view.media.slice(-12).forEach((m, i) => {
      kb.text(`${m.kind === 'voice' ? '🎤' : '🖼'} ${formatNumber(loc, m.n)}`, mediaButton.pack({ messageId: m.id }));
      if (i % 4 === 3) kb.row();
    });
    kb.row();
    if (r.view.reader === 'staff') kb.text(ctx.t('questions-button-reply'), replyButton.pack({ threadId }));
    if (r.view.reader === 'parent') kb.text(ctx.t('questions-button-write-back'), writeBackButton.pack({ threadId }));
    const rows = kb.inline_keyboard.filter((row) => row.length > 0);
    await ctx.reply(historyText(ctx.t, loc, r.view), rows.length ? { reply_markup: InlineKeyboard.from(rows) } : {});
  }

  onButton(historyButton, (ctx, { threadId }) => showThread(ctx, threadId));

  onButton(mediaButton, async (ctx, { messageId }) => {
    const r = await mediaOf(db, ctx.actor, messageId);
    if (!r.ok) return deny(ctx, ctx.t(`questions-denied-${r.reason}`));
    await ctx.answerCallbackQuery();
    // To the person who pressed, by Telegram's file id (nothing downloaded).
    if (r.kind === 'voice') await ctx.replyWithVoice(r.fileId);
    else await ctx.replyWithPhoto(r.fileId);
  });

  // --- lists ---------------------------------------------------------------------------------------
  /** One thread in a list: the child (and, for lists across teachers, the teacher), its state and age. */
  function summaryLine(ctx: BotContext, s: ThreadSummary, now: Date, show: 'child' | 'child-and-teacher'): string {
    const loc = ctx.locale;
    const who = show === 'child' ? `${childName(loc, s.child)} · ${s.className ?? '—'}` : `${s.className ?? '—'} ${childName(loc, s.child)} → ${displayName(loc, s.teacher)}`;
    const state =
      s.status === 'open' && s.awaitingSince
        ? ctx.t('questions-list-waiting', { waited: formatDuration(ctx.t, loc, Math.max(0, now.getTime() - new Date(s.awaitingSince).getTime()) / 1000) })
        : ctx.t(s.status === 'open' ? 'questions-list-open' : 'questions-list-answered');
    const overdue = s.status === 'open' && s.dueAt && new Date(s.dueAt).getTime() <= now.getTime() ? ' ⚠️' : '';
    return `${s.urgent && s.status === 'open' ? '🔴 ' : ''}${who} — ${state}${overdue}`;
  }

  /** One button per listed thread, numbered like the list, to open its history. */
  function threadButtons(ctx: BotContext, list: ThreadSummary[]): InlineKeyboard {
    const loc = ctx.locale;
    const kb = new InlineKeyboard();
    list.forEach((s, i) => {
      kb.text(`${formatNumber(loc, i + 1)}. ${displayName(loc, s.child)}`.slice(0, 60), historyButton.pack({ threadId: s.id }));
      if (i % 2 === 1) kb.row();
    });
    return kb;
  }

  async function showQuestions(ctx: BotContext) {
    const now = deps.now();
    let shown = false;
    const principalOf = principalSchools(ctx);
    const loc = ctx.locale;
    const n = (x: number) => formatNumber(loc, x);
    for (const schoolId of principalOf) {
      const o = await schoolOverview(db, ctx.actor, schoolId, now);
      await audit(db, { actor: actorOf(ctx.from!.id), schoolId, action: 'question.list', entity: 'school', entityId: schoolId, details: { threads: o.oldest.map((s) => s.id) } });
      const lines = [ctx.t('questions-school-title', { open: n(o.open), overdue: n(o.overdue), hours: n(o.answerWithinHours) })];
      o.oldest.forEach((s, i) => lines.push(`${n(i + 1)}. ${summaryLine(ctx, s, now, 'child-and-teacher')}`));
      if (o.teachers.length > 0) lines.push('', ctx.t('questions-school-teachers'));
      for (const t of o.teachers) {
        lines.push(
          ctx.t('questions-school-teacher', {
            teacher: displayName(loc, t),
            open: n(t.open),
            overdue: n(t.overdue),
            answered: n(t.answered),
            average: t.avgSeconds === null ? '—' : formatDuration(ctx.t, loc, t.avgSeconds),
            median: t.medianSeconds === null ? '—' : formatDuration(ctx.t, loc, t.medianSeconds),
          }),
        );
      }
      await ctx.reply(lines.join('\n'), o.oldest.length ? { reply_markup: threadButtons(ctx, o.oldest) } : {});
      shown = true;
    }
    if (hasRole(ctx.actor, 'teacher') || (ctx.actor.staff.length > 0 && principalOf.length === 0)) {
      const mine = await openThreadsFor(db, ctx.actor.staff.map((m) => m.staffId));
      await audit(db, { actor: actorOf(ctx.from!.id), schoolId: ctx.actor.staff[0]?.schoolId ?? null, action: 'question.list', details: { threads: mine.threads.map((s) => s.id) } });
      if (mine.total === 0) await ctx.reply(ctx.t('questions-mine-none'));
      else {
        const lines = [ctx.t('questions-mine-title', { count: n(mine.total) }), ...mine.threads.map((s, i) => `${n(i + 1)}. ${summaryLine(ctx, s, now, 'child')}`)];
        await ctx.reply(lines.join('\n'), { reply_markup: threadButtons(ctx, mine.threads) });
      }
      shown = true;
    }
    if (hasRole(ctx.actor, 'parent')) {
      const own = await parentThreads(db, ctx.from!.id);
      if (own.length === 0) await ctx.reply(ctx.t('questions-parent-none'));
      else {
        const lines = [ctx.t('questions-parent-title'), ...own.map((s, i) => `${n(i + 1)}. ${summaryLine(ctx, s, now, 'child-and-teacher')}`)];
        await ctx.reply(lines.join('\n'), { reply_markup: threadButtons(ctx, own) });
      }
      shown = true;
    }
    if (!shown) {
      await audit(db, { actor: actorOf(ctx.from!.id), action: 'question.list', outcome: 'denied', details: { reason: 'no-role' } });
      await ctx.reply(ctx.t('questions-denied-no-role'));
    }
  }

  composer.command('questions', async (ctx) => {
    const [word, value] = ctx.match.trim().split(/\s+/).filter(Boolean);
    if (word?.toLowerCase() === 'within') {
      // The principal answers for the school's promise to parents (and receives the escalations).
      const schools = principalSchools(ctx);
      if (schools.length === 0) {
        await audit(db, { actor: actorOf(ctx.from!.id), action: 'question.settings', outcome: 'denied', details: { reason: 'not-principal' } });
        await ctx.reply(ctx.t('questions-denied-principal-only'));
        return;
      }
      const hours = Number(value);
      if (!Number.isInteger(hours) || hours < 1 || hours > 168) {
        await ctx.reply(ctx.t('questions-within-usage'));
        return;
      }
      for (const schoolId of new Set(schools)) await setQuestionRules(db, { schoolId, answerWithinHours: hours, actor: actorOf(ctx.from!.id) });
      await ctx.reply(ctx.t('questions-within-set', { hours: formatNumber(ctx.locale, hours) }));
      return;
    }
    await showQuestions(ctx);
  });

  // --- quiet hours -----------------------------------------------------------------------------------
  composer.command('quiet', async (ctx) => {
    if (ctx.actor.staff.length === 0) {
      await audit(db, { actor: actorOf(ctx.from!.id), action: 'question.quiet', outcome: 'denied', details: { reason: 'not-staff' } });
      await ctx.reply(ctx.t('questions-denied-staff-only'));
      return;
    }
    const args = ctx.match.trim().split(/\s+/).filter(Boolean);
    if (args.length === 0) {
      const q = await getQuietHours(db, ctx.actor.staff[0]!.staffId);
      await ctx.reply(q ? ctx.t('questions-quiet-current', { from: formatTime(ctx.locale, q.startsAt), to: formatTime(ctx.locale, q.endsAt) }) : ctx.t('questions-quiet-none'));
      return;
    }
    if (args.length === 1 && ['off', 'none', 'បិទ'].includes(args[0]!.toLowerCase())) {
      await setQuietHours(db, ctx.actor, null);
      await ctx.reply(ctx.t('questions-quiet-off'));
      return;
    }
    const [from, to] = args.map(parseTime);
    if (args.length !== 2 || !from || !to || from === to) {
      await ctx.reply(ctx.t('questions-quiet-usage'));
      return;
    }
    await setQuietHours(db, ctx.actor, { startsAt: from, endsAt: to });
    await ctx.reply(ctx.t('questions-quiet-set', { from: formatTime(ctx.locale, from), to: formatTime(ctx.locale, to) }));
  });

  // --- who teaches which class (the office) ----------------------------------------------------------
  composer.command('teaches', async (ctx) => {
    const schoolId = officeMembership(ctx.actor)?.schoolId;
    if (schoolId === undefined) {
      await audit(db, { actor: actorOf(ctx.from!.id), action: 'teaching.change', outcome: 'denied', details: { reason: 'not-office' } });
      await ctx.reply(ctx.t('questions-denied-office-only'));
      return;
    }
    const args = ctx.match.trim().split(/\s+/).filter(Boolean);
    const who = actorOf(ctx.from!.id);
    const problem = (reason: string) => ctx.reply(ctx.t(`questions-teaches-${reason}`));
    if (args[0]?.toLowerCase() === 'remove' && args.length === 3) {
      const r = await removeClassTeacher(db, { schoolId, className: args[1]!, staffCode: args[2]!, actor: who });
      if (!r.ok) return problem(r.reason);
      await ctx.reply(ctx.t(r.removed ? 'questions-teaches-removed' : 'questions-teaches-not-there', { class: r.className }));
      return;
    }
    if (args.length === 1) {
      const list = await listClassTeachers(db, schoolId, args[0]!);
      if (!list) return problem('unknown-class');
      await audit(db, { actor: who, schoolId, action: 'teaching.read', entity: 'class', details: { teachers: list.teachers.length } });
      const loc = ctx.locale;
      const lines = [ctx.t('questions-teaches-list', { class: list.className })];
      for (const t of list.teachers) {
        const role = t.homeroom ? ctx.t('questions-homeroom') : t.subject || ctx.t('questions-subject-teacher');
        lines.push(`• ${displayName(loc, t)} (${t.staffCode}) — ${role}${t.linked ? '' : ` · ${ctx.t('questions-teaches-not-linked')}`}`);
      }
      if (list.teachers.length === 0) lines.push(ctx.t('questions-teaches-empty'));
      await ctx.reply(lines.join('\n'));
      return;
    }
    if (args.length >= 2 && args[0]?.toLowerCase() !== 'remove') {
      const r = await addClassTeacher(db, { schoolId, className: args[0]!, staffCode: args[1]!, subject: args.slice(2).join(' '), actor: who });
      if (!r.ok) return problem(r.reason);
      await ctx.reply(ctx.t('questions-teaches-added', { name: displayName(ctx.locale, r.teacher), class: r.className }));
      return;
    }
    await ctx.reply(ctx.t('questions-teaches-usage'));
  });

  // --- a parent's text no flow was waiting for (bot-loose.ts) -------------------------------------
  composer.use(looseTextFeature(deps));

  return composer;
}

