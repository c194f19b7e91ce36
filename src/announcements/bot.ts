/**
 * Announcements in the chat.
 *
 * /announce (principal, operator: the school, grades, classes, staff only, parents only; teacher:
 * their own classes) is a conversation: the content (text, photo with caption, voice, video or
 * document) → the audience → class groups or each parent (when a targeted class has a group) →
 * now or later → a preview showing the content as recipients will see it and the number of
 * recipients. Sending, marking urgent, discarding and cancelling are buttons on the preview
 * (`an:ok|u|x|c:<id>`), handled outside the conversation and checked against the author.
 *
 * In a class's Telegram group a teacher of the class sends `/linkgroup@bot 7A`; the class's
 * announcements can then go to the group as one message. Removing the bot unlinks the group;
 * a group that becomes a supergroup keeps its link.
 */
import { Composer, InlineKeyboard, type Context } from 'grammy';
import type { InlineKeyboardButton, Message } from 'grammy/types';
import type { Conversation } from '@grammyjs/conversations';
import type { AppDeps, BaseContext, BotContext, ConvContext } from '../core/telegram/context.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { formatNumber } from '../core/i18n/index.js';
import type { Locale } from '../core/db/schema.js';
import type { AnnouncementContent, Audience, MessageEntityLike } from './schema.js';
import { announceHome } from './buttons.js';
import {
  audienceClasses,
  cancelAnnouncement,
  checkContent,
  confirmAnnouncement,
  createDraft,
  discardDraft,
  formatWhen,
  forgetGroup,
  headerFor,
  headerRoom,
  linkGroup,
  messageFor,
  migrateGroup,
  parseSendTime,
  setUrgent,
  unlinkGroup,
  announceScope,
  type AnnounceScope,
  type Preview,
} from './service.js';

export const FLOW = 'announce';
/** more classes than this are chosen by typing their names (Telegram shows at most 100 buttons) */
const MAX_CLASS_BUTTONS = 60;

const GROUP_COMMAND = /^\/(?:un)?linkgroup(?:@([A-Za-z0-9_]+))?(?:\s|$)/;

/**
 * In groups the bot hears only these: its link commands (addressed to it), its own membership
 * changes, and a group's move to a supergroup.
 */
export function acceptsGroupUpdate(ctx: Context): boolean {
  if (ctx.myChatMember) return true;
  const message = ctx.message;
  if (!message) return false;
  if (message.migrate_to_chat_id !== undefined || message.migrate_from_chat_id !== undefined) return true;
  const m = GROUP_COMMAND.exec(message.text ?? '');
  return m !== null && (m[1] === undefined || m[1].toLowerCase() === ctx.me.username.toLowerCase());
}

function localeOf(ctx: BaseContext): Locale {
  return ctx.locale;
}

async function convLocale(ctx: ConvContext): Promise<Locale> {
  return ctx.locale;
}

// ---------------------------------------------------------------------------------------------
// Reading content out of a message

function keptEntities(list: Message['entities']): MessageEntityLike[] | undefined {
  // text_mention carries a user object we do not keep; everything else is plain data.
  const kept = (list ?? [])
    .filter((e) => e.type !== 'text_mention')
    .map((e) => {
      const x = e as MessageEntityLike;
      return { type: x.type, offset: x.offset, length: x.length, ...(x.url ? { url: x.url } : {}), ...(x.language ? { language: x.language } : {}), ...(x.custom_emoji_id ? { custom_emoji_id: x.custom_emoji_id } : {}) };
    });
  return kept.length ? kept : undefined;
}

/** The announcement a message carries, or null for kinds we do not send (stickers, GIFs, …). */
export function contentOf(message: Message): AnnouncementContent | null {
  const opt = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  if (message.text !== undefined) return opt({ kind: 'text' as const, text: message.text, entities: keptEntities(message.entities) });
  const captioned = { caption: message.caption, entities: keptEntities(message.caption_entities) };
  // A GIF arrives with both `animation` and `document`: it is not a document.
  if (message.animation || message.sticker || message.video_note || message.audio) return null;
  if (message.photo?.length) {
    const best = message.photo.at(-1)!;
    return opt({ kind: 'photo' as const, fileId: best.file_id, fileSize: best.file_size, ...captioned });
  }
  if (message.voice) return opt({ kind: 'voice' as const, fileId: message.voice.file_id, fileSize: message.voice.file_size, ...captioned });
  if (message.video) return opt({ kind: 'video' as const, fileId: message.video.file_id, fileSize: message.video.file_size, ...captioned });
  if (message.document) return opt({ kind: 'document' as const, fileId: message.document.file_id, fileSize: message.document.file_size, ...captioned });
  return null;
}

function messageKind(message: Message): string {
  const kinds = ['sticker', 'animation', 'video_note', 'audio', 'location', 'contact', 'poll', 'dice', 'venue'] as const;
  return kinds.find((k) => message[k] !== undefined) ?? 'other';
}

// ---------------------------------------------------------------------------------------------
// Preview

type T = (key: string, vars?: Record<string, string | number>) => string;

function audienceLabel(t: T, locale: Locale, p: Pick<Preview, 'audience' | 'classNames'>): string {
  const a = p.audience;
  switch (a.kind) {
    case 'school':
      return t('announcements-aud-school');
    case 'staff':
      return t('announcements-aud-staff');
    case 'parents':
      return t('announcements-aud-parents');
    case 'grades':
      return t('announcements-aud-grades', { grades: a.grades.map((g) => formatNumber(locale, g)).join(', ') });
    case 'classes':
      return t('announcements-aud-classes', { classes: p.classNames.join(', ') });
  }
}

export function renderPreview(t: T, locale: Locale, p: Preview): { text: string; keyboard: InlineKeyboard } {
  const n = (x: number) => formatNumber(locale, x);
  const lines = [
    t('announcements-preview-title'),
    t('announcements-preview-to', { audience: audienceLabel(t, locale, p) }),
    p.count.groups > 0
      ? t('announcements-preview-count-groups', { count: n(p.count.total), groups: n(p.count.groups), people: n(p.count.people) })
      : t('announcements-preview-count', { count: n(p.count.total) }),
    t('announcements-preview-when', { when: p.sendAt ? formatWhen(locale, p.sendAt, p.timezone) : t('announcements-when-now') }),
  ];
  if (p.urgent) lines.push(t('announcements-preview-urgent'));
  else if (p.silent) lines.push(t('announcements-preview-silent'));
  lines.push(t('announcements-preview-confirm'));
  const keyboard = new InlineKeyboard()
    .text(t('announcements-button-send'), `an:ok:${p.id}`)
    .row()
    .text(p.urgent ? t('announcements-button-not-urgent') : t('announcements-button-urgent'), `an:u:${p.id}:${p.urgent ? 0 : 1}`)
    .text(t('announcements-button-discard'), `an:x:${p.id}`);
  return { text: lines.join('\n'), keyboard };
}

// ---------------------------------------------------------------------------------------------
// The conversation

type Step = ConvContext | null;

export async function announceFlow(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext): Promise<void> {
  const scope = await conversation.external((o) => announceScope(o.deps.database.db, o.actor));
  if (!scope.ok) {
    await ctx.reply(ctx.t(`announcements-denied-${scope.reason}`));
    return;
  }
  const locale = await convLocale(ctx);
  const notifier = ctx.deps.notifier;
  const quit = () => InlineKeyboard.text(ctx.t('announcements-button-quit'), 'an:quit');
  const quitKeyboard = () => InlineKeyboard.from([[quit()]]);
  const ownClass = new Set(scope.classes.map((c) => c.id));

  /** A button that is not this person's to press: another teacher's class, an office-only audience. */
  const forged = (data: string): boolean => {
    const cls = /^an:cl:(\d{1,9})$/.exec(data);
    if (cls) return !ownClass.has(Number(cls[1]));
    return scope.role === 'teacher' && /^an:[ag]:/.test(data);
  };

  /** The next update of this chat; null when the author stopped. Forged buttons are refused here, audited. */
  const next = async (): Promise<Step> => {
    for (;;) {
      const u = await conversation.wait();
      const data = u.callbackQuery?.data;
      // Buttons of other messages (an earlier announcement's Cancel, another capability's) are
      // handled by their own handlers, not swallowed while this one is being written.
      if (data !== undefined && (!data.startsWith('an:') || /^an:(ok|u|x|c):|^an:home$/.test(data))) await conversation.skip({ next: true });
      if (data === 'an:quit') {
        await u.answerCallbackQuery();
        await u.editMessageText(u.t('announcements-flow-stopped')).catch(() => {});
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

  /** Waits for one of the given buttons (answered), reminding the author to use them otherwise. */
  const pressed = async (pattern: RegExp): Promise<{ u: ConvContext; match: RegExpExecArray } | null> => {
    for (;;) {
      const u = await next();
      if (!u) return null;
      const match = pattern.exec(u.callbackQuery?.data ?? '');
      if (match) {
        await u.answerCallbackQuery();
        return { u, match };
      }
      if (u.callbackQuery) await u.answerCallbackQuery({ text: u.t('announcements-use-buttons') });
      else await u.reply(u.t('announcements-use-buttons'));
    }
  };

  /** Several of `items` by toggling buttons (or typing their names, when `typed` reads them). */
  const pickMany = async (
    prompt: string,
    prefix: 'cl' | 'g',
    items: Array<{ id: number; label: string }>,
    typed: (text: string) => { ids: number[] } | { unknown: string[] },
  ): Promise<number[] | null> => {
    const selected = new Set<number>();
    const buttons = items.length <= MAX_CLASS_BUTTONS;
    const keyboard = () => {
      const rows: InlineKeyboardButton[][] = [];
      if (buttons) {
        for (let i = 0; i < items.length; i += 4) {
          rows.push(items.slice(i, i + 4).map((it) => InlineKeyboard.text(`${selected.has(it.id) ? '✅ ' : ''}${it.label}`, `an:${prefix}:${it.id}`)));
        }
      }
      rows.push([InlineKeyboard.text(ctx.t('announcements-button-done'), 'an:done'), quit()]);
      return InlineKeyboard.from(rows);
    };
    await ctx.reply(prompt, { reply_markup: keyboard() });
    for (;;) {
      const u = await next();
      if (!u) return null;
      const data = u.callbackQuery?.data;
      if (data !== undefined) {
        const m = new RegExp(`^an:${prefix}:(\\d{1,9})$`).exec(data);
        if (m && items.some((it) => it.id === Number(m[1]))) {
          const id = Number(m[1]);
          if (selected.has(id)) selected.delete(id);
          else selected.add(id);
          await u.answerCallbackQuery();
          await u.editMessageReplyMarkup({ reply_markup: keyboard() }).catch(() => {});
          continue;
        }
        if (data === 'an:done') {
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
      'cl',
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
    await ctx.reply(ctx.t('announcements-ask-audience'), {
      reply_markup: InlineKeyboard.from([
        [InlineKeyboard.text(ctx.t('announcements-aud-school'), 'an:a:school')],
        [InlineKeyboard.text(ctx.t('announcements-button-grades'), 'an:a:grades'), InlineKeyboard.text(ctx.t('announcements-button-classes'), 'an:a:classes')],
        [InlineKeyboard.text(ctx.t('announcements-aud-staff'), 'an:a:staff'), InlineKeyboard.text(ctx.t('announcements-aud-parents'), 'an:a:parents')],
        [quit()],
      ]),
    });
    const choice = await pressed(/^an:a:(school|grades|classes|staff|parents)$/);
    if (!choice) return;
    const kind = choice.match[1] as Audience['kind'];
    if (kind === 'grades') {
      const grades = [...new Set(scope.classes.map((c) => c.grade))].sort((a, b) => a - b);
      const picked = await pickMany(
        ctx.t('announcements-ask-grades'),
        'g',
        grades.map((g) => ({ id: g, label: formatNumber(locale, g) })),
        (text) => {
          const words = text.split(/[\s,]+/).filter(Boolean);
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
  const grouped = audienceClasses(scope as AnnounceScope, audience).filter((c) => c.hasGroup);
  if (grouped.length > 0) {
    const names = grouped.slice(0, 12).map((c) => c.name).join(', ') + (grouped.length > 12 ? ` (+${formatNumber(locale, grouped.length - 12)})` : '');
    await ctx.reply(ctx.t('announcements-ask-groups', { classes: names }), {
      reply_markup: InlineKeyboard.from([[InlineKeyboard.text(ctx.t('announcements-button-groups'), 'an:v:g')], [InlineKeyboard.text(ctx.t('announcements-button-each-parent'), 'an:v:p')], [quit()]]),
    });
    const choice = await pressed(/^an:v:([gp])$/);
    if (!choice) return;
    viaGroups = choice.match[1] === 'g';
  }

  // 4. When ------------------------------------------------------------------------------------
  await ctx.reply(ctx.t('announcements-ask-when'), {
    reply_markup: InlineKeyboard.from([[InlineKeyboard.text(ctx.t('announcements-button-now'), 'an:t:now'), InlineKeyboard.text(ctx.t('announcements-button-later'), 'an:t:later')], [quit()]]),
  });
  const when = await pressed(/^an:t:(now|later)$/);
  if (!when) return;
  let sendAt: string | null = null;
  if (when.match[1] === 'later') {
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

// ---------------------------------------------------------------------------------------------
// The feature

export function announcementsFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;

  const start = async (ctx: BotContext) => {
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(FLOW);
  };
  composer.callbackQuery(announceHome.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await start(ctx);
  });

  const privateChat = composer.chatType('private');
  privateChat.command('announce', start);
  privateChat.command(['linkgroup', 'unlinkgroup'], (ctx) => ctx.reply(ctx.t('announcements-group-only-in-group', { bot: ctx.me.username })));

  const answer = async (ctx: BotContext, key: string, vars?: Record<string, string | number>) =>
    ctx.answerCallbackQuery({ text: ctx.t(key, vars), show_alert: true });

  const refusal = (reason: string) =>
    reason === 'forbidden' || reason === 'not-found' ? 'announcements-not-yours' : reason === 'not-draft' ? 'announcements-not-draft' : `announcements-refused-${reason}`;

  // --- preview buttons ---------------------------------------------------------------------------
  privateChat.callbackQuery(/^an:ok:(\d{1,15})$/, async (ctx) => {
    const id = Number((ctx.match as RegExpMatchArray)[1]);
    const r = await confirmAnnouncement(db, ctx.actor, id, deps.notifier, deps.now());
    if (!r.ok) return answer(ctx, refusal(r.reason));
    deps.kickOutbox();
    await ctx.answerCallbackQuery({ text: ctx.t('announcements-sent-short') });
    const loc = localeOf(ctx);
    const n = formatNumber(loc, r.recipients);
    const text = r.sendAt ? ctx.t('announcements-scheduled', { count: n, when: formatWhen(loc, r.sendAt, r.timezone) }) : ctx.t('announcements-sending', { count: n });
    const extra = r.urgent ? `\n${ctx.t('announcements-preview-urgent')}` : r.silent ? `\n${ctx.t('announcements-preview-silent')}` : '';
    await ctx.editMessageText(`${text}${extra}`, { reply_markup: new InlineKeyboard().text(ctx.t('announcements-button-cancel'), `an:c:${id}`) }).catch(() => {});
  });

  privateChat.callbackQuery(/^an:u:(\d{1,15}):([01])$/, async (ctx) => {
    const [, id, flag] = ctx.match as RegExpMatchArray;
    const r = await setUrgent(db, ctx.actor, Number(id), flag === '1', deps.now());
    if (!r.ok) return answer(ctx, refusal(r.reason));
    await ctx.answerCallbackQuery();
    const { text, keyboard } = renderPreview(ctx.t.bind(ctx), localeOf(ctx), r.value);
    await ctx.editMessageText(text, { reply_markup: keyboard }).catch(() => {});
  });

  privateChat.callbackQuery(/^an:x:(\d{1,15})$/, async (ctx) => {
    const r = await discardDraft(db, ctx.actor, Number((ctx.match as RegExpMatchArray)[1]));
    if (!r.ok) return answer(ctx, refusal(r.reason));
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t('announcements-discarded')).catch(() => {});
  });

  privateChat.callbackQuery(/^an:c:(\d{1,15})$/, async (ctx) => {
    const id = Number((ctx.match as RegExpMatchArray)[1]);
    const r = await cancelAnnouncement(db, ctx.actor, id);
    if (!r.ok) return answer(ctx, r.reason === 'finished' ? 'announcements-cancel-too-late' : refusal(r.reason));
    await ctx.answerCallbackQuery();
    const loc = localeOf(ctx);
    await ctx
      .editMessageText(r.gone > 0 ? ctx.t('announcements-cancelled-partly', { cancelled: formatNumber(loc, r.cancelled), gone: formatNumber(loc, r.gone) }) : ctx.t('announcements-cancelled', { count: formatNumber(loc, r.cancelled) }))
      .catch(() => {});
  });

  // --- class groups ------------------------------------------------------------------------------
  const groups = composer.chatType(['group', 'supergroup']);

  groups.command('linkgroup', async (ctx) => {
    // An anonymous admin writes as the group itself: we cannot tell which teacher it is.
    if (ctx.message.sender_chat || ctx.from.is_bot) {
      await ctx.reply(ctx.t('announcements-group-as-yourself'));
      return;
    }
    // The bot must be able to post here, or linking would only make messages fail later.
    const me = await ctx.getChatMember(ctx.me.id).catch(() => null);
    const canPost = me !== null && (me.status === 'administrator' || me.status === 'member' || (me.status === 'restricted' && me.can_send_messages));
    if (!canPost) {
      await audit(db, { actor: actorOf(ctx.from.id), action: 'announce.group.link', entity: 'chat', entityId: ctx.chat.id, outcome: 'denied', details: { reason: 'bot-cannot-post' } });
      return;
    }
    const r = await linkGroup(db, ctx.actor, { chatId: ctx.chat.id, title: ctx.chat.title ?? null, className: ctx.match });
    if (r.ok) await ctx.reply(ctx.t('announcements-group-linked', { class: r.className }));
    else await ctx.reply(ctx.t(`announcements-group-${r.reason}`, { class: r.className ?? ctx.match.trim().toUpperCase(), bot: ctx.me.username }));
  });

  groups.command('unlinkgroup', async (ctx) => {
    if (ctx.message.sender_chat || ctx.from.is_bot) {
      await ctx.reply(ctx.t('announcements-group-as-yourself'));
      return;
    }
    const r = await unlinkGroup(db, ctx.actor, ctx.chat.id);
    await ctx.reply(r.ok ? ctx.t('announcements-group-unlinked', { class: r.className }) : ctx.t(`announcements-group-unlink-${r.reason}`));
  });

  groups.on('message:migrate_to_chat_id', async (ctx) => {
    await migrateGroup(db, ctx.chat.id, ctx.message.migrate_to_chat_id);
  });
  groups.on('message:migrate_from_chat_id', async (ctx) => {
    await migrateGroup(db, ctx.message.migrate_from_chat_id, ctx.chat.id);
  });

  groups.on('my_chat_member', async (ctx) => {
    const now = ctx.myChatMember.new_chat_member.status;
    const before = ctx.myChatMember.old_chat_member.status;
    if (now === 'left' || now === 'kicked') {
      await forgetGroup(db, ctx.chat.id, ctx.from ? actorOf(ctx.from.id) : 'system');
      return;
    }
    // Just added: say how to link the group (to the person who added the bot, in the group).
    if ((before === 'left' || before === 'kicked') && (now === 'member' || now === 'administrator')) {
      await ctx.reply(ctx.t('announcements-group-hello', { bot: ctx.me.username })).catch(() => {});
    }
  });

  return composer;
}
