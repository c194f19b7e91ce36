/**
 * What the shared TestUser does not do: send a voice message, a photo or a file, and read the
 * voice messages and photos the bot sent to a chat.
 */
import { eq } from 'drizzle-orm';
import type { Message } from 'grammy/types';
import { staff, students } from '../../src/core/db/schema.js';
import type { Db } from '../../src/core/db/client.js';
import type { FakeTelegram, TestUser } from '../support/telegram.js';

let messageId = 700_000;

export async function sendMessage(user: TestUser, content: Partial<Message>): Promise<void> {
  await user.update({
    message: {
      message_id: messageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: user.id, type: 'private', first_name: user.firstName },
      from: user.from,
      ...content,
    } as never,
  });
}

export function voice(fileId: string, extra: { duration?: number; file_size?: number } = {}): Partial<Message> {
  return { voice: { file_id: fileId, file_unique_id: `u-${fileId}`, duration: extra.duration ?? 14, mime_type: 'audio/ogg', file_size: extra.file_size ?? 48_000 } };
}

/** A photo as Telegram sends it: several sizes, the largest last. */
export function photo(fileId: string, caption?: string): Partial<Message> {
  return {
    photo: [
      { file_id: `${fileId}-small`, file_unique_id: `s-${fileId}`, width: 90, height: 67, file_size: 1_800 },
      { file_id: fileId, file_unique_id: `l-${fileId}`, width: 1280, height: 960, file_size: 180_000 },
    ],
    ...(caption ? { caption } : {}),
  };
}

export function document(fileId: string): Partial<Message> {
  return { document: { file_id: fileId, file_unique_id: `d-${fileId}`, file_name: 'homework.pdf', mime_type: 'application/pdf', file_size: 120_000 } };
}

/** Calls of one Bot API method addressed to one chat, oldest first. */
export function callsTo(tg: FakeTelegram, chatId: number, method: string) {
  return tg.calls.filter((c) => c.method === method && String(c.payload.chat_id) === String(chatId)).map((c) => c.payload);
}

export async function studentId(db: Db, code: string): Promise<number> {
  const [row] = await db.select({ id: students.id }).from(students).where(eq(students.studentCode, code));
  return row!.id;
}

export async function staffId(db: Db, code: string): Promise<number> {
  const [row] = await db.select({ id: staff.id }).from(staff).where(eq(staff.staffCode, code));
  return row!.id;
}

/** Every callback_data of a message's inline keyboard. */
export function buttonData(replyMarkup: { inline_keyboard?: Array<Array<{ callback_data?: string }>> } | undefined): string[] {
  return (replyMarkup?.inline_keyboard ?? []).flat().map((b) => b.callback_data ?? '');
}
