/**
 * How `npm run try` shows what the bot sent: messages with their buttons, in colour on a terminal,
 * read from what the Bot API emulator holds.
 */
import { styleText } from 'node:util';
import type { TelegramServer } from '../test/support/bot-api-emulator.js';
const colour = process.stdout.isTTY && !process.env.NO_COLOR;
type Style = Parameters<typeof styleText>[0];
export const paint = (style: Style, s: string): string => (colour ? styleText(style, s) : s);
export const dim = (s: string) => paint('dim', s);

export function indent(text: string, first: string, rest = ' '.repeat(first.length)): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? first : rest) + line)
    .join('\n');
}

export type Button = { text: string; callback_data?: string; url?: string; request_contact?: boolean };
export type Markup = {
  inline_keyboard?: Button[][];
  keyboard?: Array<Array<Button | string>>;
  remove_keyboard?: boolean;
  force_reply?: boolean;
};

export function renderMarkup(markup: Markup | undefined): string[] {
  if (!markup) return [];
  const lines: string[] = [];
  for (const row of markup.inline_keyboard ?? []) {
    lines.push(row.map((b) => paint('cyan', `[ ${b.text}${b.url ? ' ↗' : ''} ]`)).join(' '));
  }
  for (const row of markup.keyboard ?? []) {
    lines.push(row.map((b) => paint('yellow', `{ ${typeof b === 'string' ? b : b.text} }`)).join(' '));
  }
  return lines;
}

export function renderMessage(text: string, markup: Markup | undefined, edited: boolean): string {
  const head = edited ? '🤖 (edited) ' : '🤖 ';
  const body = indent(text === '' ? dim('(no text)') : text, '  ' + head, '     ');
  const buttons = renderMarkup(markup).map((l) => '     ' + l);
  return [body, ...buttons].join('\n');
}

export interface Seen {
  chatId: string;
  messageId: number;
  time: number;
  text: string;
  markup: Markup | undefined;
  signature: string;
}

/** The messages the bot (this token) sent, in order. */
export function botMessages(server: TelegramServer, token: string): Seen[] {
  const list: Seen[] = [];
  for (const u of server.storage.botMessages) {
    if (u.botToken !== token) continue;
    const m = u.message as unknown as { chat_id?: unknown; text?: unknown; reply_markup?: Markup };
    if (m.chat_id === undefined) continue;
    const text = String(m.text ?? '');
    list.push({
      chatId: String(m.chat_id),
      messageId: u.messageId,
      time: u.time,
      text,
      markup: m.reply_markup,
      signature: JSON.stringify([text, m.reply_markup ?? null]),
    });
  }
  return list.sort((a, b) => a.messageId - b.messageId);
}

/** Things the emulator does not keep (pop-up answers to button presses, command menus). */
export interface SideEvent {
  chatId: string;
  time: number;
  line: string;
}
