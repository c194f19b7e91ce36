/**
 * The npm Bot API emulator `telegram-test-api`, for end-to-end tests that run the bot's real
 * long-polling loop: start it on a free port, and users who talk to the bot through it and read
 * what the bot sent them (by polling the emulator, with a bounded wait).
 *
 * Quirks of the emulator (4.2.x) that shape this file:
 * - it answers getUpdates at once and ignores `timeout`, so the runner would spin: see holdEmptyPolls;
 * - a port of 0 means 9000 to it (`port || 9000`), so a free port is picked first;
 * - a callback query carries no message_id unless it is given (`{ message: { message_id } }`);
 * - answerCallbackQuery is accepted but its text is not stored; edits change the stored message;
 * - sendPhoto, sendDocument, setMyCommands, sendChatAction… answer HTTP 500 with no error_code;
 * - the messages it returns to the bot have `date` in milliseconds.
 */
import { createServer } from 'node:net';
import type { Bot } from 'grammy';
// The package's main module replaces module.exports with the class, which its typings describe as
// a default export; the named export of this file has matching types and runtime shape.
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';

export { TelegramServer };
type Client = ReturnType<TelegramServer['getClient']>;

export const WAIT_MS = 10_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * `storeTimeoutSeconds`: how long the emulator keeps messages (it forgets older ones, buttons
 * included); 1 hour by default, enough for a test file.
 */
export async function startEmulator(opts: { storeTimeoutSeconds?: number } = {}): Promise<TelegramServer> {
  // A port freed a moment ago can be taken by someone else before we listen again: retry.
  for (let attempt = 1; ; attempt++) {
    const server = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: opts.storeTimeoutSeconds ?? 3600 });
    try {
      await server.start();
      return server;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * The emulator answers an empty getUpdates at once (a real long poll would wait): hold empty
 * answers a little so the runner's loop does not spin the CPU. Stopping the runner aborts the hold.
 */
export function holdEmptyPolls(bot: Bot<any>, ms = 20): void {
  bot.api.config.use(async (prev, method, payload, signal) => {
    const res = await prev(method, payload, signal);
    if (method === 'getUpdates' && res.ok && Array.isArray(res.result) && res.result.length === 0) {
      // grammY types the signal with the abort-controller shim; at runtime it is the platform's.
      await pause(ms, signal as unknown as AbortSignal | undefined);
    }
    return res;
  });
}

export interface BotMessage {
  messageId: number;
  text: string;
  /** as the bot sent it (reply keyboards included); edits replace it */
  replyMarkup?: any;
}

/** Resolves with the probe's first defined answer; fails after `timeoutMs` saying what was seen. */
export async function waitUntil<T>(probe: () => Promise<T | undefined>, describe: () => Promise<string> | string, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${await describe()}`);
    await pause(25);
  }
}

/** A Telegram user in a private chat with the bot, talking through the emulator. */
export class EmulatedUser {
  readonly client: Client;
  /** newest message id already handed out by next() */
  private cursor = 0;

  constructor(
    server: TelegramServer,
    token: string,
    readonly id: number,
    readonly firstName = 'Test',
  ) {
    this.client = server.getClient(token, { userId: id, chatId: id, firstName, userName: `user${id}` });
  }

  /** A command (with its bot_command entity) when it starts with "/", else plain text. */
  async send(text: string): Promise<void> {
    if (text.startsWith('/')) await this.client.sendCommand(this.client.makeCommand(text));
    else await this.client.sendMessage(this.client.makeMessage(text));
  }

  /** A contact message (no text), as the "share my phone number" button sends. */
  async shareContact(phone: string, contactUserId: number = this.id): Promise<void> {
    const message: Record<string, unknown> = { ...this.client.makeMessage('') };
    delete message.text;
    message.contact = { phone_number: phone, first_name: this.firstName, user_id: contactUserId };
    await this.client.sendMessage(message as any);
  }

  /** A photo, voice message or document (no text), under a file id the caller serves (getFile). */
  async sendFile(kind: 'photo' | 'voice' | 'document', file: { fileId: string; size: number; name: string }, caption = ''): Promise<void> {
    const message: Record<string, unknown> = { ...this.client.makeMessage('') };
    delete message.text;
    const unique = `u-${file.fileId}`;
    if (kind === 'photo') message.photo = [{ file_id: file.fileId, file_unique_id: unique, width: 1280, height: 960, file_size: file.size }];
    // the duration is not read from the file: a short message
    else if (kind === 'voice') message.voice = { file_id: file.fileId, file_unique_id: unique, duration: 5, mime_type: 'audio/ogg', file_size: file.size };
    else message.document = { file_id: file.fileId, file_unique_id: unique, file_name: file.name, file_size: file.size };
    if (caption) message.caption = caption;
    await this.client.sendMessage(message as any);
  }

  /** Presses the newest inline button whose label contains `label`. */
  async press(label: string): Promise<void> {
    const all = await this.history();
    for (let i = all.length - 1; i >= 0; i--) {
      const m = all[i]!;
      const button = (m.replyMarkup?.inline_keyboard as Array<Array<{ text: string; callback_data?: string }>> | undefined)
        ?.flat()
        .find((b) => b.text.includes(label) && b.callback_data !== undefined);
      if (button) {
        await this.client.sendCallback(this.client.makeCallbackQuery(button.callback_data!, { message: { message_id: m.messageId } }) as any);
        return;
      }
    }
    throw new Error(`no inline button "${label}" in chat ${this.id}: ${JSON.stringify(all)}`);
  }

  /** Every message the bot sent to this chat (edits applied), oldest first. */
  async history(): Promise<BotMessage[]> {
    const updates = (await this.client.getUpdatesHistory()) as Array<{ messageId: number; message?: Record<string, any> }>;
    return updates
      .filter((u) => u.message?.chat_id !== undefined && String(u.message.chat_id) === String(this.id))
      .map((u) => ({ messageId: u.messageId, text: String(u.message!.text ?? ''), replyMarkup: u.message!.reply_markup }))
      .sort((a, b) => a.messageId - b.messageId);
  }

  /** Waits for `count` messages newer than the last ones handed out, and hands them out. */
  async next(count: number, timeoutMs = WAIT_MS): Promise<BotMessage[]> {
    const fresh = await waitUntil(
      async () => {
        const newer = (await this.history()).filter((m) => m.messageId > this.cursor);
        return newer.length >= count ? newer : undefined;
      },
      async () => `chat ${this.id} expected ${count} new message(s), has: ${JSON.stringify((await this.history()).filter((m) => m.messageId > this.cursor).map((m) => m.text))}`,
      timeoutMs,
    );
    this.cursor = fresh.at(-1)!.messageId;
    return fresh;
  }

  /** Waits until message `messageId` of this chat reads `text` (after an edit). */
  async edited(messageId: number, text: string, timeoutMs = WAIT_MS): Promise<BotMessage> {
    return waitUntil(
      async () => (await this.history()).find((m) => m.messageId === messageId && m.text === text),
      async () => `message ${messageId} in chat ${this.id} reads: ${JSON.stringify((await this.history()).find((m) => m.messageId === messageId)?.text)}`,
      timeoutMs,
    );
  }
}
