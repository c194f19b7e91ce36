/**
 * The /announce conversation (principal, operator: the school, grades, classes, staff only,
 * parents only; teacher: their own classes): the content (text, photo with caption, voice, video
 * or document) → the audience → class groups or each parent (when a targeted class has a group)
 * → now or later → a preview showing the content as recipients will see it and the number of
 * recipients. Sending, marking urgent, discarding and cancelling are buttons on the preview,
 * handled outside the conversation (bot.ts) and checked against the author.
 *
 * The conversation reads only its own buttons (buttons.ts, FLOW_BUTTONS); any other button (the
 * preview's, an earlier announcement's Cancel, another capability's) passes it by to its owner.
 */
import { InlineKeyboard } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { Conversation } from '@grammyjs/conversations';
import type { BotContext, ConvContext } from '../core/telegram/context.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { asciiDigits, formatNumber } from '../core/i18n/index.js';
import { ignoreNotModified } from '../core/telegram/errors.js';
import type { AnnouncementContent, Audience } from './schema.js';
import { audienceButton, classButton, doneButton, gradeButton, isFlowButton, quitButton, viaButton, whenButton } from './buttons.js';
import { checkContent, headerFor, headerRoom, messageFor, parseSendTime } from './rules.js';
import { announceScope, audienceClasses } from './service-scope.js';
import { createDraft } from './service.js';
import { contentOf, messageKind, renderPreview } from './bot-preview.js';

export const FLOW = 'announce';
/** more classes than this are chosen by typing their names (Telegram shows at most 100 buttons) */
const MAX_CLASS_BUTTONS = 60;

type Step = ConvContext | null;

/** A toggling button of a picker: how its data is made and read. */
interface Pick {
  pack(id: number): string;
  read(data: string | undefined): number | null;
}

const classPick: Pick = { pack: (classId) => classButton.pack({ classId }), read: (d) => classButton.parse(d)?.classId ?? null };
const gradePick: Pick = { pack: (grade) => gradeButton.pack({ grade }), read: (d) => gradeButton.parse(d)?.grade ?? null };

export async function announceFlow(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext): Promise<void> {
  const scope = await conversation.external((o) => announceScope(o.deps.database.db, o.actor));
  if (!scope.ok) {
    await ctx.reply(ctx.t(`announcements-denied-${scope.reason}`));
    return;
  }
  const locale = ctx.locale;
  const notifier = ctx.deps.notifier;
  const quit = () => InlineKeyboard.text(ctx.t('announcements-button-quit'), quitButton.pack({}));
  const quitKeyboard = () => InlineKeyboard.from([[quit()]]);
  const ownClass = new Set(scope.classes.map((c) => c.id));

  /** A button that is not this person's to press: another teacher's class, an office-only audience. */
  const forged = (data: string): boolean => {
    const cls = classButton.parse(data);
    if (cls) return !ownClass.has(cls.classId);
    return scope.role === 'teacher' && (audienceButton.parse(data) !== null || gradeButton.parse(data) !== null);
  };

  /** The next update of this chat; null when the author stopped. Forged buttons are refused here, audited. */
  const next = async (): Promise<Step> => {
    for (;;) {
      const u = await conversation.wait();
      const data = u.callbackQuery?.data;
      // Buttons that are not this flow's (the preview's, an earlier announcement's Cancel,
      // another capability's) are handled by their own handlers, not swallowed while this one
      // is being written.
      if (data !== undefined && !isFlowButton(data)) await conversation.skip({ next: true });
      if (quitButton.parse(data)) {
        await u.answerCallbackQuery();
        await u.editMessageText(u.t('announcements-flow-stopped')).catch(ignoreNotModified);
        return null;
      }
      if (data !== undefined && forged(data)) {
        await conversation.external((o) =>
          audit(o.deps.database.db, { actor: actorOf(o.from!.id), schoolId: scope.schoolId, action: 'announce.audience', outcome: 'denied', details: { reason: 'forged-button', data } }),
        );
        await u.answerCallbackQuery({ text: u.t('announcements-denied-class'), show_alert: true });
        continue;
      }
      return u;
    }
  };

  /** Waits for one of a button's presses (answered), reminding the author to use the buttons otherwise. */
  const pressed = async <V>(read: (data: string | undefined) => V | null): Promise<V | null> => {
    for (;;) {
      const u = await next();
      if (!u) return null;
      const value = read(u.callbackQuery?.data);
      if (value !== null) {
        await u.answerCallbackQuery();
        return value;
      }
      if (u.callbackQuery) await u.answerCallbackQuery({ text: u.t('announcements-use-buttons') });
      else await u.reply(u.t('announcements-use-buttons'));
    }
  };

  /** Several of `items` by toggling buttons (or typing their names, when `typed` reads them). */
  const pickMany = async (
    prompt: string,
    pick: Pick,
    items: Array<{ id: number; label: string }>,
    typed: (text: string) => { ids: number[] } | { unknown: string[] },
  ): Promise<number[] | null> => {
    const selected = new Set<number>();
    const buttons = items.length <= MAX_CLASS_BUTTONS;
    const keyboard = () => {
      const rows: InlineKeyboardButton[][] = [];
      if (buttons) {
        for (let i = 0; i < items.length; i += 4) {
          rows.push(items.slice(i, i + 4).map((it) => InlineKeyboard.text(`${selected.has(it.id) ? '✅ ' : ''}${it.label}`, pick.pack(it.id))));
        }
      }
      rows.push([InlineKeyboard.text(ctx.t('announcements-button-done'), doneButton.pack({})), quit()]);
      return InlineKeyboard.from(rows);
    };
    await ctx.reply(prompt, { reply_markup: keyboard() });
    for (;;) {
      const u = await next();
      if (!u) return null;
      const data = u.callbackQuery?.data;
      if (data !== undefined) {
        const id = pick.read(data);
        if (id !== null && items.some((it) => it.id === id)) {
          if (selected.has(id)) selected.delete(id);
          else selected.add(id);
          await u.answerCallbackQuery();
          await u.editMessageReplyMarkup({ reply_markup: keyboard() }).catch(ignoreNotModified);
          continue;
        }
        if (doneButton.parse(data)) {
          if (selected.size === 0) {
            await u.answerCallbackQuery({ text: u.t('announcements-pick-one'), show_alert: true });
            continue;
          }
          await u.answerCallbackQuery();
          return [...selected];
        }
        await u.answerCallbackQuery({ text: u.t('announcements-use-buttons') });
        continue;
      }
      const text = u.message?.text;
      if (text) {
        const r = typed(text);
        if ('ids' in r && r.ids.length > 0) return r.ids;
        await u.reply(u.t('announcements-unknown-choice', { names: 'unknown' in r ? r.unknown.join(', ') : text }));
        continue;
      }
      await u.reply(u.t('announcements-use-buttons'));
    }
  };

  const pickClasses = (prompt: string) =>
    pickMany(
      prompt,
      classPick,
      scope.classes.map((c) => ({ id: c.id, label: c.name })),
      (text) => {
        const names = text.toUpperCase().split(/[\s,]+/).filter(Boolean);
        const unknown = names.filter((n) => !scope.classes.some((c) => c.name === n));
        return unknown.length ? { unknown } : { ids: [...new Set(names.map((n) => scope.classes.find((c) => c.name === n)!.id))] };
      },
    );

  // 1. The content ------------------------------------------------------------------------------
  const room = headerRoom(notifier, scope);
  await ctx.reply(ctx.t('announcements-ask-content'), { reply_markup: quitKeyboard() });
  let content: AnnouncementContent | null = null;
  while (!content) {
    const u = await next();
    if (!u) return;
    if (!u.message) {
      await u.answerCallbackQuery({ text: u.t('announcements-ask-content-short') });
      continue;
    }
    const found = contentOf(u.message);
    const check = checkContent(found, room);
    if (check.ok) {
      content = found;
      break;
    }
    const kind = found?.kind ?? messageKind(u.message);
    await conversation.external((o) =>
      audit(o.deps.database.db, { actor: actorOf(o.from!.id), schoolId: scope.schoolId, action: 'announce.content', outcome: 'denied', details: { reason: check.reason, kind } }),
    );
    const vars: Record<string, string> = 'limit' in check ? { length: formatNumber(locale, check.length), limit: formatNumber(locale, check.limit) } : {};
    await u.reply(u.t(`announcements-bad-${check.reason}`, vars), { reply_markup: quitKeyboard() });
  }

  // 2. The audience -----------------------------------------------------------------------------
  let audience: Audience;
  if (scope.role === 'teacher') {
    if (scope.classes.length === 1) audience = { kind: 'classes', classIds: [scope.classes[0]!.id] };
    else {
      const ids = await pickClasses(ctx.t('announcements-ask-classes'));
      if (!ids) return;
      audience = { kind: 'classes', classIds: ids };
    }
  } else {
    const choice = (kind: Audience['kind'], key: string) => InlineKeyboard.text(ctx.t(key), audienceButton.pack({ kind }));
    await ctx.reply(ctx.t('announcements-ask-audience'), {
      reply_markup: InlineKeyboard.from([
        [choice('school', 'announcements-aud-school')],
        [choice('grades', 'announcements-button-grades'), choice('classes', 'announcements-button-classes')],
        [choice('staff', 'announcements-aud-staff'), choice('parents', 'announcements-aud-parents')],
        [quit()],
      ]),
    });
    const kind = await pressed((d) => audienceButton.parse(d)?.kind ?? null);
    if (!kind) return;
    if (kind === 'grades') {
      const grades = [...new Set(scope.classes.map((c) => c.grade))].sort((a, b) => a - b);
      const picked = await pickMany(
        ctx.t('announcements-ask-grades'),
        gradePick,
        grades.map((g) => ({ id: g, label: formatNumber(locale, g) })),
        (text) => {
          // Grades typed in Khmer digits (៧) or ASCII (7).
          const words = asciiDigits(text).split(/[\s,]+/).filter(Boolean);
          const unknown = words.filter((w) => !grades.includes(Number(w)));
          return unknown.length ? { unknown } : { ids: [...new Set(words.map(Number))] };
        },
      );
      if (!picked) return;
      audience = { kind: 'grades', grades: picked.sort((a, b) => a - b) };
    } else if (kind === 'classes') {
      const ids = await pickClasses(ctx.t(scope.classes.length > MAX_CLASS_BUTTONS ? 'announcements-ask-classes-typed' : 'announcements-ask-classes'));
      if (!ids) return;
      audience = { kind: 'classes', classIds: ids };
    } else audience = { kind };
  }

  // 3. Class groups or each parent ----------------------------------------------------------------
  let viaGroups = true;
  const grouped = audienceClasses(scope, audience).filter((c) => c.hasGroup);
  if (grouped.length > 0) {
    const names = grouped.slice(0, 12).map((c) => c.name).join(', ') + (grouped.length > 12 ? ` (+${formatNumber(locale, grouped.length - 12)})` : '');
    await ctx.reply(ctx.t('announcements-ask-groups', { classes: names }), {
      reply_markup: InlineKeyboard.from([
        [InlineKeyboard.text(ctx.t('announcements-button-groups'), viaButton.pack({ via: 'groups' }))],
        [InlineKeyboard.text(ctx.t('announcements-button-each-parent'), viaButton.pack({ via: 'parents' }))],
        [quit()],
      ]),
    });
    const via = await pressed((d) => viaButton.parse(d)?.via ?? null);
    if (!via) return;
    viaGroups = via === 'groups';
  }

  // 4. When ------------------------------------------------------------------------------------
  await ctx.reply(ctx.t('announcements-ask-when'), {
    reply_markup: InlineKeyboard.from([
      [InlineKeyboard.text(ctx.t('announcements-button-now'), whenButton.pack({ when: 'now' })), InlineKeyboard.text(ctx.t('announcements-button-later'), whenButton.pack({ when: 'later' }))],
      [quit()],
    ]),
  });
  const when = await pressed((d) => whenButton.parse(d)?.when ?? null);
  if (!when) return;
  let sendAt: string | null = null;
  if (when === 'later') {
    await ctx.reply(ctx.t('announcements-ask-time'), { reply_markup: quitKeyboard() });
    for (;;) {
      const u = await next();
      if (!u) return;
      const text = u.message?.text;
      if (!text) {
        if (u.callbackQuery) await u.answerCallbackQuery({ text: u.t('announcements-ask-time-short') });
        continue;
      }
      const now = new Date(await conversation.external((o) => o.deps.now().toISOString()));
      const parsed = parseSendTime(text, scope.timezone, now);
      if (parsed.ok) {
        sendAt = parsed.at.toISOString();
        break;
      }
      await u.reply(u.t(`announcements-time-${parsed.reason}`));
    }
  }

  // 5. The draft and its preview ---------------------------------------------------------------
  const draft = await conversation.external((o) =>
    createDraft(o.deps.database.db, o.actor, { content: content!, audience, viaGroups, sendAt }, o.deps.notifier, o.deps.now()),
  );
  if (!draft.ok) {
    const vars: Record<string, string> = 'limit' in draft ? { length: formatNumber(locale, draft.length), limit: formatNumber(locale, draft.limit) } : {};
    await ctx.reply(ctx.t(draft.reason === 'forbidden' || draft.reason === 'no-classes' ? `announcements-denied-${draft.reason}` : `announcements-bad-${draft.reason}`, vars));
    return;
  }
  // The content exactly as recipients will see it (header in the author's language), then the summary.
  const look = messageFor(content!, headerFor(notifier, locale, scope, false), false);
  await ctx.api.raw[look.method as 'sendMessage']({ ...look.payload, chat_id: ctx.chat!.id } as never);
  const { text, keyboard } = renderPreview(ctx.t.bind(ctx), locale, draft.preview);
  await ctx.reply(text, { reply_markup: keyboard });
}
