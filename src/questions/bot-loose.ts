/**
 * A parent's text that no flow was waiting for ("my child is very sick, going to hospital" after a
 * command closed /ask) is never dropped: the bot offers to send it as a question to a teacher of
 * their child, one button per child and teacher (homeroom first), or to leave it. The offer is a
 * conversation so the text waits in Postgres, not in a button; more text typed meanwhile is added
 * to it. Invite codes and commands are left to their owners.
 */
import { Composer, InlineKeyboard } from 'grammy';
import type { Conversation } from '@grammyjs/conversations';
import { hasRole } from '../core/auth/actor.js';
import type { AppDeps, BotContext, ConvContext } from '../core/telegram/context.js';
import { displayName, formatNumber } from '../core/i18n/index.js';
import { ignoreNotModified } from '../core/telegram/errors.js';
import { looksLikeInviteCode } from '../onboarding/invites.js';
import { cancelButton, isLooseButton, looseSend } from './buttons.js';
import { childName } from './render.js';
import { MAX_TEXT_CHARS } from './rules.js';
import { askQuestion, childrenToAsk, resolveTarget } from './service.js';

export const LOOSE = 'q-loose';
/** The offer stays open this long; after it, the next text is a new one. */
const WAIT_MS = 30 * 60_000;

type LooseArgs = { text: string };

/** The offer's buttons: one per child and teacher the parent may write to (at most six). */
async function offerKeyboard(ctx: BotContext): Promise<InlineKeyboard | null> {
  const children = await childrenToAsk(ctx.deps.database.db, ctx.actor);
  const kb = new InlineKeyboard();
  let n = 0;
  for (const c of children) {
    for (const t of c.teachers.slice(0, 2)) {
      if (n >= 6) break;
      const who = children.length > 1 ? `${displayName(ctx.locale, t)} · ${childName(ctx.locale, c)}` : displayName(ctx.locale, t);
      kb.text(ctx.t('questions-loose-send', { teacher: who }).slice(0, 60), looseSend.pack({ studentId: c.studentId, staffId: t.staffId })).row();
      n++;
    }
  }
  if (n === 0) return null;
  return kb.text(ctx.t('questions-loose-leave'), cancelButton.pack({}));
}

export async function loose(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext, args: LooseArgs) {
  let text = args.text;
  const keyboard = await conversation.external((outside) => offerKeyboard(outside).then((kb) => kb?.inline_keyboard ?? null));
  if (!keyboard) {
    await ctx.reply(ctx.t('questions-loose-nobody'));
    return;
  }
  await ctx.reply(ctx.t('questions-loose-offer'), { reply_markup: { inline_keyboard: keyboard } });
  for (;;) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    const data = u.callbackQuery?.data;
    if (data !== undefined && !isLooseButton(data)) await conversation.skip({ next: true });
    if (data === undefined) {
      // More words for the same message: added to it, and the offer stands.
      if (typeof u.message?.text !== 'string') await conversation.skip({ next: true });
      text = `${text}\n${u.message!.text!}`.slice(0, MAX_TEXT_CHARS);
      await u.reply(ctx.t('questions-loose-added'));
      continue;
    }
    if (cancelButton.parse(data)) {
      await u.answerCallbackQuery();
      await u.editMessageText(u.t('questions-loose-left')).catch(ignoreNotModified);
      return;
    }
    const to = looseSend.parse(data)!;
    const reply = await conversation.external(async (outside) => {
      const db = outside.deps.database.db;
      const target = await resolveTarget(db, outside.actor, to.studentId, to.staffId);
      if (!target.ok) return { done: false, text: outside.t(`questions-denied-${target.reason}`) };
      const r = await askQuestion(db, { actor: outside.actor, to, content: { kind: 'text', text }, urgent: false }, { notifier: outside.deps.notifier, now: outside.deps.now() });
      if (!r.ok) {
        const why =
          r.reason === 'bad-content'
            ? outside.t('questions-loose-failed')
            : r.reason === 'rate-hour' || r.reason === 'rate-day'
              ? outside.t(`questions-${r.reason}`, { limit: formatNumber(outside.locale, r.limit) })
              : outside.t(`questions-denied-${r.reason}`);
        return { done: true, text: why };
      }
      outside.deps.kickOutbox();
      return { done: true, text: outside.t('questions-sent', { teacher: displayName(outside.locale, target.target.teacher) }) };
    });
    await u.answerCallbackQuery();
    await u.editMessageText(reply.text).catch(ignoreNotModified);
    if (reply.done) return;
  }
}

/** Claims a parent's loose text (no flow open, not a command, not an invite code) for the offer. */
export function looseTextFeature(_deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on('message:text', async (ctx, next) => {
    const text = ctx.message.text.trim();
    if (!hasRole(ctx.actor, 'parent') || text.startsWith('/') || looksLikeInviteCode(text) || text.length === 0) return next();
    await ctx.conversation.enter(LOOSE, { text: text.slice(0, MAX_TEXT_CHARS) } satisfies LooseArgs);
  });
  return composer;
}
