/** `npm run try`: the Bot API calls the emulator lacks, answered as Telegram would. */
import path from 'node:path';
import type { Transformer } from 'grammy';
import type { TryFiles } from './try-files.js';
/**
 * Answers the Bot API calls the emulator does not implement (it answers HTTP 500) the way
 * Telegram would, so the bot behaves as in production, and shows what they would have shown.
 */
export function emulatorShims(
  onEvent: (e: { chatId: string | undefined; line: string; callbackQueryId?: string; time: number }) => void,
  onEdit: (chatId: string, messageId: number, time: number) => void,
  files: TryFiles,
): Transformer {
  const MEDIA: Record<string, string> = {
    sendPhoto: 'photo',
    sendDocument: 'document',
    sendVoice: 'voice',
    sendVideo: 'video',
    sendAudio: 'audio',
    sendAnimation: 'animation',
  };
  return async (prev, method, payload, signal) => {
    const p = (payload ?? {}) as Record<string, unknown>;
    const time = Date.now();
    switch (method) {
      case 'setMyCommands': {
        const scope = p.scope as { chat_id?: unknown } | undefined;
        const list = (p.commands as Array<{ command: string }> | undefined) ?? [];
        onEvent({
          chatId: scope?.chat_id === undefined ? undefined : String(scope.chat_id),
          line: `☰ command menu: ${list.map((c) => '/' + c.command).join(' ')}`,
          time,
        });
        return { ok: true, result: true } as never;
      }
      case 'editMessageText':
      case 'editMessageReplyMarkup':
        if (p.chat_id !== undefined && p.message_id !== undefined) onEdit(String(p.chat_id), Number(p.message_id), time);
        break;
      case 'getFile': {
        const f = files.getFile(String(p.file_id));
        if (f) return { ok: true, result: f } as never;
        break;
      }
      case 'deleteMyCommands':
      case 'setChatMenuButton':
      case 'sendChatAction':
        return { ok: true, result: true } as never;
      case 'answerCallbackQuery': {
        const res = await prev(method, payload, signal);
        if (typeof p.text === 'string' && p.text !== '') {
          onEvent({
            chatId: undefined,
            callbackQueryId: String(p.callback_query_id),
            line: `  ${p.show_alert ? '⚠️ (alert)' : '💬 (pop-up)'} ${p.text}`,
            time,
          });
        }
        return res;
      }
    }
    const kind = MEDIA[method as string];
    if (kind) {
      const file = p[kind] as { filename?: string } | string | undefined;
      const saved = await files.save(file, `${kind}.bin`).catch(() => undefined);
      const shown = saved && (path.relative(process.cwd(), saved).startsWith('..') ? saved : path.relative(process.cwd(), saved));
      const name = shown ? ` → ${shown}` : typeof file === 'object' && file?.filename ? ` ${file.filename}` : '';
      const caption = typeof p.caption === 'string' && p.caption !== '' ? `\n${p.caption}` : '';
      return (await prev('sendMessage', {
        chat_id: p.chat_id as number,
        text: `[${kind}${name}]${caption}`,
        ...(p.reply_markup ? { reply_markup: p.reply_markup as never } : {}),
      })) as never;
    }
    return prev(method, payload, signal);
  };
}

