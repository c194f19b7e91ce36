/**
 * Helpers for announcement tests: updates from a Telegram group (TestUser speaks in private chats
 * only), media messages, and what the fake Bot API was asked to send to one chat.
 */
import type { Update } from 'grammy/types';
import type { TestApp } from '../support/app.js';
import { BOT_INFO, type TestUser } from '../support/telegram.js';

let updateId = 5_000_000;
let messageId = 5_000_000;

export interface Group {
  id: number;
  title: string;
  type?: 'group' | 'supergroup';
}

const now = () => Math.floor(Date.now() / 1000);

export async function groupUpdate(app: TestApp, u: Omit<Update, 'update_id'>): Promise<void> {
  await app.bot.handleUpdate({ update_id: updateId++, ...u } as Update);
}

/** A text (a command when it starts with "/") written by `from` in a group. */
export async function inGroup(app: TestApp, group: Group, from: TestUser | { id: number; first_name: string; is_bot?: boolean }, text: string, extra: Record<string, unknown> = {}): Promise<void> {
  const sender = 'from' in from ? from.from : { is_bot: false, ...from };
  const command = text.startsWith('/') ? [{ type: 'bot_command' as const, offset: 0, length: text.split(/\s/)[0]!.length }] : undefined;
  await groupUpdate(app, {
    message: {
      message_id: messageId++,
      date: now(),
      chat: { id: group.id, type: group.type ?? 'group', title: group.title },
      from: sender,
      text,
      ...(command ? { entities: command } : {}),
      ...extra,
    } as never,
  });
}

/** The bot's own membership in a group changed (added, removed), by `by`. */
export async function botMembership(app: TestApp, group: Group, by: TestUser, from: 'left' | 'member' | 'kicked', to: 'left' | 'member' | 'kicked' | 'administrator'): Promise<void> {
  const member = (status: string) => ({ status, user: { id: BOT_INFO.id, is_bot: true, first_name: BOT_INFO.first_name, username: BOT_INFO.username } });
  await groupUpdate(app, {
    my_chat_member: {
      chat: { id: group.id, type: group.type ?? 'group', title: group.title },
      from: by.from,
      date: now(),
      old_chat_member: member(from),
      new_chat_member: to === 'administrator' ? { ...member(to), can_be_edited: false, can_manage_chat: true } : member(to),
    } as never,
  });
}

/** A private message carrying something other than text (voice, photo, sticker, …). */
export async function sendMedia(user: TestUser, media: Record<string, unknown>): Promise<void> {
  await user.update({
    message: { message_id: messageId++, date: now(), chat: { id: user.id, type: 'private', first_name: user.firstName }, from: user.from, ...media } as never,
  });
}

const SENDING = ['sendMessage', 'sendVoice', 'sendPhoto', 'sendVideo', 'sendDocument', 'copyMessage'];

/**
 * Every sending call the fake Bot API got for this chat since call number `since` (see mark();
 * clearing the fake's calls would confuse TestUser's inbox), oldest first.
 */
export function sentTo(app: TestApp, chatId: number, since = 0, methods = SENDING) {
  return app.tg.calls.slice(since).filter((c) => methods.includes(c.method) && String(c.payload.chat_id) === String(chatId));
}

/** The position in the fake's call log from which sentTo counts. */
export const mark = (app: TestApp) => app.tg.calls.length;

/** The fake answers media sends with a message (its default is `true`), and `blocked` chats with 403. */
export function mediaAnswers(app: TestApp, blocked: Set<number> = new Set()): void {
  let id = 90_000;
  for (const method of ['sendVoice', 'sendVideo', 'sendPhoto', 'sendDocument', 'sendMessage']) {
    app.tg.respond(method, (p) => {
      if (blocked.has(Number(p.chat_id))) return { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' };
      if (method === 'sendMessage') return undefined;
      return { ok: true, result: { message_id: id++, date: now(), chat: { id: Number(p.chat_id), type: Number(p.chat_id) < 0 ? 'group' : 'private' }, caption: p.caption } };
    });
  }
}

export const khmerDigits = (s: string | number) => String(s).replace(/\d/g, (d) => '០១២៣៤៥៦៧៨៩'[Number(d)]!);
