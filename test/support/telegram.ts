/**
 * A fake Bot API behind grammY's `client.fetch` (which also reaches inside conversations), and
 * users who send real update objects to the real bot and read what they received.
 */
import type { Bot } from 'grammy';
import type { InlineKeyboardButton, Update, UserFromGetMe } from 'grammy/types';

export interface ApiCall {
  method: string;
  payload: Record<string, any>;
  response?: any;
}

type Answer = { ok: true; result: unknown } | { ok: false; error_code: number; description: string; parameters?: Record<string, unknown> } | undefined;
type Responder = (payload: Record<string, any>) => Answer | Promise<Answer>;

export const BOT_INFO: UserFromGetMe = {
  id: 42,
  is_bot: true,
  first_name: 'SIS',
  username: 'sis_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

export class FakeTelegram {
  readonly calls: ApiCall[] = [];
  private nextMessageId = 1000;
  private readonly responders = new Map<string, Responder>();

  /** Override the answer to one method (return undefined to fall back to the default). */
  respond(method: string, responder: Responder): void {
    this.responders.set(method, responder);
  }

  /** Files users "sent" (photos), by file_id: getFile answers for them and their download URL serves the bytes. */
  private readonly files = new Map<string, Uint8Array>();

  addFile(fileId: string, bytes: Uint8Array): void {
    this.files.set(fileId, bytes);
  }

  readonly fetch = (async (url: string | URL, init?: { body?: unknown }) => {
    const fileMatch = /\/file\/bot[^/]+\/files\/(.+)$/.exec(String(url));
    if (fileMatch) {
      const bytes = this.files.get(decodeURIComponent(fileMatch[1]!));
      this.calls.push({ method: 'downloadFile', payload: { file_path: fileMatch[1] } });
      return bytes ? new Response(bytes, { status: 200 }) : new Response('Not Found', { status: 404 });
    }
    const method = String(url).split('/').pop()!;
    const payload = typeof init?.body === 'string' ? JSON.parse(init.body) : init?.body ? await FakeTelegram.readMultipart(init.body) : {};
    const body = (await this.responders.get(method)?.(payload)) ?? FakeTelegram.validate(method, payload) ?? { ok: true, result: this.defaultResult(method, payload) };
    this.calls.push({ method, payload, response: body });
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;

  /**
   * An upload (multipart/form-data from grammY's InputFile): its text fields, and for each file
   * field `{ upload: filename, bytes }`, so tests can see what was sent and open the file.
   */
  static async readMultipart(body: unknown): Promise<Record<string, any>> {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
    const raw = Buffer.concat(chunks);
    const text = raw.toString('latin1');
    const boundary = text.slice(2, text.indexOf('\r\n'));
    const out: Record<string, any> = {};
    for (const part of text.split(`--${boundary}`)) {
      const m = /name="([^"]+)"(?:;\s*filename="?([^"\r\n;]*)"?)?[\s\S]*?\r\n\r\n([\s\S]*)\r\n$/.exec(part);
      if (!m) continue;
      const value = Buffer.from(m[3]!, 'latin1');
      if (m[2] !== undefined) out[`__file_${m[1]}`] = { upload: m[2], bytes: value };
      else out[m[1]!] = value.toString('utf8');
    }
    // attach://x references point at file fields
    for (const [k, v] of Object.entries(out)) {
      if (typeof v === 'string' && v.startsWith('attach://')) out[k] = out[`__file_${v.slice(9)}`];
      else if (typeof v === 'string' && /^[\[{]/.test(v)) {
        try {
          out[k] = JSON.parse(v);
        } catch {
          /* a text field that looks like JSON but is not */
        }
      }
    }
    return out;
  }

  /** The checks Telegram makes that a bot most easily gets wrong: answered with its 400s. */
  static validate(method: string, payload: Record<string, any>): Answer {
    const bad = (description: string) => ({ ok: false as const, error_code: 400, description: `Bad Request: ${description}` });
    if (method === 'sendMessage' || method === 'editMessageText') {
      if (typeof payload.text !== 'string' || payload.text.trim() === '') return bad('message text is empty');
      if ([...payload.text].length > 4096) return bad('message is too long');
    }
    for (const row of payload.reply_markup?.inline_keyboard ?? []) {
      for (const b of row) {
        if (typeof b.text !== 'string' || b.text.trim() === '') return bad('button text is empty');
        if ('callback_data' in b && (Buffer.byteLength(b.callback_data) > 64 || b.callback_data === '')) return bad('BUTTON_DATA_INVALID');
      }
    }
    return undefined;
  }

  private defaultResult(method: string, payload: Record<string, any>): unknown {
    const now = Math.floor(Date.now() / 1000);
    switch (method) {
      case 'getMe':
        return BOT_INFO;
      case 'sendMessage':
      case 'sendPhoto':
      case 'sendDocument':
      case 'copyMessage': {
        const id = this.nextMessageId++;
        return {
          message_id: id,
          date: now,
          chat: { id: Number(payload.chat_id), type: Number(payload.chat_id) < 0 ? 'group' : 'private' },
          text: payload.text,
          caption: payload.caption,
          reply_markup: payload.reply_markup,
          ...(method === 'sendPhoto' ? { photo: [{ file_id: `photo-${id}`, file_unique_id: `u${id}`, width: 320, height: 200 }] } : {}),
          ...(method === 'sendDocument' ? { document: { file_id: `doc-${id}`, file_unique_id: `u${id}` } } : {}),
        };
      }
      case 'getFile': {
        const bytes = this.files.get(String(payload.file_id));
        return bytes ? { file_id: payload.file_id, file_unique_id: `u-${payload.file_id}`, file_size: bytes.length, file_path: `files/${payload.file_id}` } : undefined;
      }
      case 'editMessageText':
        return { message_id: payload.message_id, date: now, chat: { id: payload.chat_id, type: 'private' }, text: payload.text };
      default:
        return true;
    }
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  clear(): void {
    this.calls.length = 0;
  }
}

let updateId = 1;
let messageId = 1;

export interface Received {
  method: string;
  text: string;
  messageId?: number;
  replyMarkup?: any;
  payload: Record<string, any>;
}

/** A Telegram user in a private chat with the bot. */
export class TestUser {
  private seen = 0;

  constructor(
    readonly bot: Bot<any>,
    readonly tg: FakeTelegram,
    readonly id: number,
    readonly firstName = 'Test',
    readonly languageCode?: string,
  ) {
    // A new handle on a user reads only what arrives from now on.
    this.seen = this.received().length;
  }

  get from() {
    return { id: this.id, is_bot: false, first_name: this.firstName, ...(this.languageCode ? { language_code: this.languageCode } : {}) };
  }

  private chat() {
    return { id: this.id, type: 'private' as const, first_name: this.firstName };
  }

  async update(u: Omit<Update, 'update_id'>): Promise<void> {
    await this.bot.handleUpdate({ update_id: updateId++, ...u } as Update);
  }

  async send(text: string): Promise<void> {
    const entities = text.startsWith('/') ? [{ type: 'bot_command' as const, offset: 0, length: text.split(/\s/)[0]!.length }] : undefined;
    await this.update({
      message: { message_id: messageId++, date: Math.floor(Date.now() / 1000), chat: this.chat(), from: this.from, text, ...(entities ? { entities } : {}) },
    });
  }

  /** Sends a photo (the bytes become downloadable through getFile, as from Telegram's servers). */
  async sendPhoto(bytes: Uint8Array, caption?: string): Promise<void> {
    const fileId = `photo-in-${this.id}-${messageId}`;
    this.tg.addFile(fileId, bytes);
    await this.update({
      message: {
        message_id: messageId++,
        date: Math.floor(Date.now() / 1000),
        chat: this.chat(),
        from: this.from,
        photo: [
          { file_id: `${fileId}-thumb`, file_unique_id: `t${fileId}`, width: 90, height: 68, file_size: 1200 },
          { file_id: fileId, file_unique_id: `u${fileId}`, width: 1280, height: 960, file_size: bytes.length },
        ],
        ...(caption ? { caption } : {}),
      },
    });
  }

  /** Sends a file (a workbook): downloadable through getFile, as from Telegram's servers. */
  async sendDocument(bytes: Uint8Array, fileName: string, caption?: string): Promise<void> {
    const fileId = `doc-in-${this.id}-${messageId}`;
    this.tg.addFile(fileId, bytes);
    await this.update({
      message: {
        message_id: messageId++,
        date: Math.floor(Date.now() / 1000),
        chat: this.chat(),
        from: this.from,
        document: { file_id: fileId, file_unique_id: `u${fileId}`, file_name: fileName, file_size: bytes.length },
        ...(caption ? { caption } : {}),
      },
    });
  }

  async shareContact(phone: string, contactUserId: number | undefined = this.id): Promise<void> {
    await this.update({
      message: {
        message_id: messageId++,
        date: Math.floor(Date.now() / 1000),
        chat: this.chat(),
        from: this.from,
        contact: { phone_number: phone, first_name: this.firstName, ...(contactUserId !== undefined ? { user_id: contactUserId } : {}) },
      },
    });
  }

  async pressData(data: string, onMessageId = 1, text = 'x'): Promise<void> {
    await this.update({
      callback_query: {
        id: `${this.id}:${updateId}`,
        from: this.from,
        chat_instance: `ci${this.id}`,
        data,
        message: { message_id: onMessageId, date: Math.floor(Date.now() / 1000), chat: this.chat(), text },
      },
    });
  }

  /** Presses the newest inline button whose label contains `label`. */
  async press(label: string): Promise<void> {
    const all = this.received();
    for (let i = all.length - 1; i >= 0; i--) {
      const m = all[i]!;
      const button = (m.replyMarkup?.inline_keyboard as InlineKeyboardButton[][] | undefined)
        ?.flat()
        .find((b) => b.text.includes(label) && 'callback_data' in b) as InlineKeyboardButton.CallbackButton | undefined;
      if (button) return this.pressData(button.callback_data, m.messageId ?? 1, m.text);
    }
    throw new Error(`no button "${label}" in: ${JSON.stringify(all.map((m) => m.replyMarkup))}`);
  }

  /** Everything the bot sent or edited in this chat, and callback answers, oldest first. */
  received(): Received[] {
    const out: Received[] = [];
    for (const c of this.tg.calls) {
      if (c.method === 'answerCallbackQuery') {
        if (c.payload.text && String(c.payload.callback_query_id).startsWith(`${this.id}:`)) out.push({ method: c.method, text: c.payload.text, payload: c.payload });
        continue;
      }
      if (String(c.payload.chat_id) !== String(this.id)) continue;
      if (!['sendMessage', 'editMessageText', 'editMessageReplyMarkup', 'sendPhoto', 'sendDocument'].includes(c.method)) continue;
      const messageId = c.payload.message_id ?? c.response?.result?.message_id;
      out.push({ method: c.method, text: c.payload.text ?? c.payload.caption ?? '', messageId, replyMarkup: c.payload.reply_markup, payload: c.payload });
    }
    return out;
  }

  /** What arrived since the last call of inbox(). */
  inbox(): Received[] {
    const all = this.received();
    const fresh = all.slice(this.seen);
    this.seen = all.length;
    return fresh;
  }

  texts(): string[] {
    return this.inbox().map((m) => m.text);
  }
}
