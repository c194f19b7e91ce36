/**
 * `npm run try`: talk to the real bot in a terminal, without Internet or Telegram.
 *
 * Starts the npm Bot API emulator `telegram-test-api` on a free local port, opens the database as
 * the app does (DATABASE_URL, else embedded PGlite in PGLITE_DIR, ./data/pglite like `npm run cli -- demo`), loads the demo school DEMO-001
 * when it is missing, and runs the bot (long polling through @grammyjs/runner) and the workers
 * (outbox relay + sender) as `npm start` does. Then a small REPL plays one Telegram user at a time:
 * what you type is sent as that user's message, and what the bot sends to that user is printed.
 *
 * Lines are handled one after another and each waits until the bot has been quiet for a moment,
 * so a script can be piped in: printf '/start\n:press English\n:quit\n' | npm run try
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { styleText } from 'node:util';
import { run, type RunnerHandle } from '@grammyjs/runner';
import { Api, type Transformer } from 'grammy';
import { parse as parseCsv } from 'csv-parse/sync';
import { inArray, sql } from 'drizzle-orm';
import { cardOf } from '../src/qr/cards.js';
import { loadConfig, ConfigError, type Config } from '../src/config.js';
import { buildBot, createAppDeps, createNotifier, createRedis, openAppDatabase, queueNames, startWorkers, type WorkerHandles } from '../src/app.js';
import { DEMO_FIXTURES as DEFAULT_FIXTURES } from '../src/roster/demo.js';
import { cardSecret } from '../src/qr/secret.js';
import { loadActor, rolesOf } from '../src/core/auth/actor.js';
import type { Database } from '../src/core/db/client.js';
import { telegramAccounts } from '../src/core/db/schema.js';
import { logger } from '../src/core/logger.js';
import { createJobAdder } from '../src/core/queue/jobs.js';
import { loadDemoSchool } from '../src/roster/demo.js';
import { getSchool } from '../src/schools/service.js';
import { EmulatedUser, holdEmptyPolls, startEmulator, type TelegramServer } from '../test/support/bot-api-emulator.js';
import { tryFiles, type TryFiles } from './try-files.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = '123456:TRY-LOCAL-TOKEN-abcdef';
const SCHOOL = 'DEMO-001';
const FIRST_USER_ID = 1001;
const TICK_MS = 150;
/** after an input: the bot counts as done once it has been quiet this long… */
const QUIET_MS = 700;
/** …or once nothing at all happened for this long */
const GIVE_UP_MS = 5000;
const NAMES = ['Dara', 'Sophea', 'Bora', 'Sokha', 'Vanna', 'Chenda', 'Rithy', 'Malis', 'Kosal', 'Nary'];

// ---------------------------------------------------------------------------------------------
// Output

const out = process.stdout;
const colour = out.isTTY && !process.env.NO_COLOR;
type Style = Parameters<typeof styleText>[0];
const paint = (style: Style, s: string): string => (colour ? styleText(style, s) : s);
const dim = (s: string) => paint('dim', s);

let rl: readline.Interface | undefined;
/** true while the prompt waits for the user: output then goes above the prompt line */
let atPrompt = false;

/** piped input: a message came while the prompt was printed, so the prompt is printed again */
let promptBroken = false;

function print(text: string): void {
  if (rl && atPrompt && out.isTTY) {
    readline.clearLine(out, 0);
    readline.cursorTo(out, 0);
    out.write(text + '\n');
    rl.prompt(true);
  } else if (rl && atPrompt && !promptBroken) {
    promptBroken = true;
    out.write('\n' + text + '\n');
  } else {
    out.write(text + '\n');
  }
}

function indent(text: string, first: string, rest = ' '.repeat(first.length)): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? first : rest) + line)
    .join('\n');
}

type Button = { text: string; callback_data?: string; url?: string; request_contact?: boolean };
type Markup = {
  inline_keyboard?: Button[][];
  keyboard?: Array<Array<Button | string>>;
  remove_keyboard?: boolean;
  force_reply?: boolean;
};

function renderMarkup(markup: Markup | undefined): string[] {
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

function renderMessage(text: string, markup: Markup | undefined, edited: boolean): string {
  const head = edited ? '🤖 (edited) ' : '🤖 ';
  const body = indent(text === '' ? dim('(no text)') : text, '  ' + head, '     ');
  const buttons = renderMarkup(markup).map((l) => '     ' + l);
  return [body, ...buttons].join('\n');
}

// ---------------------------------------------------------------------------------------------
// What the emulator holds, read in-process

interface Seen {
  chatId: string;
  messageId: number;
  time: number;
  text: string;
  markup: Markup | undefined;
  signature: string;
}

function botMessages(server: TelegramServer): Seen[] {
  const list: Seen[] = [];
  for (const u of server.storage.botMessages) {
    if (u.botToken !== TOKEN) continue;
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
interface SideEvent {
  chatId: string;
  time: number;
  line: string;
}

// ---------------------------------------------------------------------------------------------
// The roster's phone numbers, for the guide and :phones

interface PhoneHint {
  phone: string;
  who: string;
  note: string;
}

function rosterHints(): { guardians: PhoneHint[]; principal?: PhoneHint; teacher?: PhoneHint } {
  const read = (name: string) =>
    parseCsv(readFileSync(path.join(DEFAULT_FIXTURES, name)), { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Array<
      Record<string, string>
    >;
  const byPhone = new Map<string, { name: string; order: number; children: Array<{ name: string; cls: string }> }>();
  for (const r of read('students.csv')) {
    for (const [phoneCol, nameCol] of [
      ['guardian_phone', 'guardian_name'],
      ['guardian2_phone', 'guardian2_name'],
    ] as const) {
      const phone = r[phoneCol];
      if (!phone) continue;
      const g = byPhone.get(phone) ?? { name: r[nameCol] ?? '', order: byPhone.size, children: [] };
      g.children.push({ name: r.name_en || r.name_km || '?', cls: r.class ?? '?' });
      byPhone.set(phone, g);
    }
  }
  const classesOf = (g: { children: Array<{ cls: string }> }) => new Set(g.children.map((c) => c.cls)).size;
  const guardians = [...byPhone.entries()]
    .filter(([, g]) => classesOf(g) > 1)
    .sort(([, a], [, b]) => classesOf(b) - classesOf(a) || b.children.length - a.children.length || a.order - b.order)
    .slice(0, 2)
    .map(([phone, g]) => ({
      phone,
      who: g.name,
      note: `parent of ${g.children.length} children: ${g.children.map((c) => `${c.name} (${c.cls})`).join(', ')}`,
    }));
  const staffRows = read('staff.csv');
  const hint = (r: Record<string, string> | undefined, note: string): PhoneHint | undefined =>
    r?.phone ? { phone: r.phone, who: r.name_en || r.name_km || '?', note } : undefined;
  const p = staffRows.find((r) => r.role === 'principal');
  const t = staffRows.find((r) => r.role === 'teacher' && r.homeroom_class);
  return {
    guardians,
    principal: hint(p, 'the principal'),
    teacher: hint(t, `a teacher, homeroom ${t?.homeroom_class ?? ''}`.trim()),
  };
}

function phonesText(): string {
  const h = rosterHints();
  const rows = [...h.guardians, h.principal, h.teacher].filter((x): x is PhoneHint => x !== undefined);
  const width = Math.max(...rows.map((r) => r.phone.length));
  return [
    `Phone numbers on the demo roster (${SCHOOL}); share one with :contact PHONE`,
    ...rows.map((r) => `  ${r.phone.padEnd(width)}  ${r.who}, ${r.note}`),
    dim('  (all of them: guardian_phone in students.csv, phone in staff.csv, in ' + path.relative(process.cwd(), DEFAULT_FIXTURES) + ')'),
  ].join('\n');
}

/** What Telegram puts in contact.phone_number: digits with the country code (no "+", no spaces). */
function telegramPhone(typed: string): string {
  const digits = typed.replace(/[^\d+]/g, '');
  if (digits.startsWith('+')) return digits.slice(1);
  if (digits.startsWith('0') && !digits.startsWith('00')) return '855' + digits.slice(1);
  return digits;
}

// ---------------------------------------------------------------------------------------------
// Start-up

function configFromEnv(apiRoot: string): Config {
  return loadConfig({
    ...process.env,
    BOT_TOKEN: TOKEN,
    BOT_USERNAME: process.env.BOT_USERNAME || 'sis_try_bot',
    TELEGRAM_API_ROOT: apiRoot,
    BOT_MODE: 'polling',
    // The same data folder and defaults as `npm start` and `npm run cli -- demo` (stop one before the other).
    PGLITE_DIR: process.env.PGLITE_DIR || path.join(ROOT, 'data/pglite'),
    QUEUE_PREFIX: process.env.QUEUE_PREFIX || 'sis-try',
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
  });
}

/** The demo school, loaded as `npm run cli -- demo` does, unless it is there already. */
async function ensureDemoSchool(config: Config, database: Database): Promise<boolean> {
  if (await getSchool(database.db, SCHOOL)) return false;
  const loaded = await loadDemoSchool(database.db, { fixtures: DEFAULT_FIXTURES, notifier: createNotifier(config) });
  if (!loaded.students.ok || !loaded.staff?.ok) throw new Error(`the demo rosters in ${DEFAULT_FIXTURES} were refused`);
  return true;
}

/**
 * Answers the Bot API calls the emulator does not implement (it answers HTTP 500) the way
 * Telegram would, so the bot behaves as in production, and shows what they would have shown.
 */
function emulatorShims(
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

async function main(): Promise<void> {
  const started = Date.now();
  const server = await startEmulator({ storeTimeoutSeconds: 7 * 24 * 3600 });
  // The emulator numbers updates from 1 on every start, and the bot remembers update ids in Redis
  // for a day (webhook retries): a second session would look like replays and be ignored. Telegram
  // never reuses an id, so start where no earlier session can have been.
  (server as unknown as { updateId: number }).updateId = Date.now();
  let config: Config;
  try {
    config = configFromEnv(server.config.apiURL);
  } catch (err) {
    await server.stop();
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  logger.level = config.LOG_LEVEL;
  const where = config.DATABASE_URL ? config.DATABASE_URL.replace(/\/\/[^@/]*@/, '//…@') : `PGlite in ${path.relative(process.cwd(), config.PGLITE_DIR) || '.'}`;
  out.write(dim(`Opening the database (${where})…\n`));
  const database = await openAppDatabase(config);
  if (await ensureDemoSchool(config, database)) {
    out.write(dim(`Loaded the demo school ${SCHOOL} from ${path.relative(process.cwd(), DEFAULT_FIXTURES) || '.'}.\n`));
  }

  const redis = createRedis(config.REDIS_URL);
  let redisUp = false;
  redis.on('error', (err) => {
    if (redisUp) logger.error({ err: err.message }, 'redis error');
  });
  try {
    // The first answer or the first failure, not ioredis's endless reconnecting.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer within 3 s')), 3000);
      redis.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      redis.ping().then(() => {
        clearTimeout(timer);
        resolve();
      }, reject);
    });
    redisUp = true;
  } catch (err) {
    console.error(`Redis is not reachable at ${config.REDIS_URL} (${(err as Error).message}).`);
    console.error('The bot needs it (queue, flood guard): start it (redis-server, or docker run -p 6379:6379 redis:7) or set REDIS_URL.');
    redis.disconnect();
    await database.close();
    await server.stop();
    process.exit(1);
  }

  // Events the emulator does not store, shown in the chat they belong to.
  const events: SideEvent[] = [];
  const menus = new Map<string, string>(); // chat → command menu last shown
  const onEvent = (e: { chatId: string | undefined; line: string; callbackQueryId?: string; time: number }) => {
    let chatId = e.chatId;
    if (chatId === undefined && e.callbackQueryId !== undefined) {
      const update = server.storage.userMessages.find((u) => 'callbackId' in u && String(u.callbackId) === e.callbackQueryId);
      if (update && 'callbackQuery' in update) chatId = String(update.callbackQuery.from.id);
    }
    if (chatId === undefined) return;
    if (e.line.startsWith('☰')) {
      // Shown when the commands change, not when only their descriptions' language does.
      if (menus.get(chatId) === e.line) return;
      menus.set(chatId, e.line);
      events.push({ chatId, time: e.time, line: dim('  ' + e.line) });
      return;
    }
    events.push({ chatId, time: e.time, line: e.line });
  };
  const editTimes = new Map<string, number>(); // chat:message → when the bot asked for the edit
  const files = tryFiles(process.env.TRY_FILES_DIR || path.join(ROOT, 'data/try-files'));
  files.serveDownloads(config.TELEGRAM_API_ROOT, config.BOT_TOKEN);
  const shims = emulatorShims(onEvent, (chatId, messageId, time) => editTimes.set(`${chatId}:${messageId}`, time), files);
  const workerApi = new Api(config.BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT });
  workerApi.config.use(shims);

  // As src/main.ts does in `all` mode.
  const workers: WorkerHandles = await startWorkers(config, database, redis, logger, workerApi);
  const jobs = createJobAdder(redis, config.QUEUE_PREFIX, queueNames());
  const bot = buildBot(
    config,
    createAppDeps({
      database,
      log: logger,
      defaultLocale: config.DEFAULT_LOCALE,
      botUsername: config.BOT_USERNAME,
      kickOutbox: () => workers.relay.kick(),
      jobs,
      cardSecret: cardSecret(config),
    }),
    redis,
  );
  bot.api.config.use(shims);
  holdEmptyPolls(bot, 50);
  await bot.init();
  await bot.api.deleteWebhook();
  const runner: RunnerHandle = run(bot, {
    runner: { fetch: { allowed_updates: ['message', 'callback_query', 'my_chat_member'] } },
  });

  // ------------------------------------------------------------------------------------------
  // Users

  const users = new Map<number, EmulatedUser>();
  const labels = new Map<number, string>();
  const userFor = (id: number, name?: string): EmulatedUser => {
    let u = users.get(id);
    if (!u || (name && name !== u.firstName)) {
      u = new EmulatedUser(server, TOKEN, id, name || u?.firstName || NAMES[id % NAMES.length]!);
      users.set(id, u);
    }
    return u;
  };
  const refreshLabel = async (id: number) => {
    const roles = rolesOf(await loadActor(database.db, id));
    labels.set(id, roles.length > 0 ? roles.join('+') : 'guest');
  };

  // Earlier sessions' users stay linked in the database: start with a fresh one, list the others.
  const earlier = await database.db
    .select({ id: telegramAccounts.telegramUserId })
    .from(telegramAccounts)
    .where(inArray(telegramAccounts.telegramUserId, Array.from({ length: 200 }, (_, i) => FIRST_USER_ID + i)));
  const taken = new Set(earlier.map((r) => Number(r.id)));
  const freeId = (from: number) => {
    let id = from;
    while (taken.has(id)) id++;
    return id;
  };
  const currentId = freeId(FIRST_USER_ID);
  let current = userFor(currentId);
  await refreshLabel(currentId);
  const earlierLinked: string[] = [];
  for (const id of [...taken].sort((a, b) => a - b)) {
    await refreshLabel(id);
    if (labels.get(id) !== 'guest') earlierLinked.push(`${id} (${labels.get(id)})`);
  }

  // ------------------------------------------------------------------------------------------
  // Watching the emulator

  const displayed = new Map<string, string>(); // chat:message → signature printed
  const announced = new Set<string>(); // messages to other chats already counted
  const pendingOther = new Map<string, number>();
  let lastActivity = Date.now();
  let lastOtherActivity = 0;

  const tick = () => {
    const me = String(current.id);
    const items: Array<{ time: number; seq: number; text: string }> = [];
    for (const m of botMessages(server)) {
      const key = `${m.chatId}:${m.messageId}`;
      const before = displayed.get(key);
      if (m.chatId === me) {
        if (before === m.signature) continue;
        displayed.set(key, m.signature);
        announced.add(key);
        const time = before === undefined ? m.time : (editTimes.get(key) ?? Date.now());
        items.push({ time, seq: m.messageId, text: renderMessage(m.text, m.markup, before !== undefined) });
        lastActivity = Date.now();
      } else if (!announced.has(key)) {
        announced.add(key);
        pendingOther.set(m.chatId, (pendingOther.get(m.chatId) ?? 0) + 1);
        lastActivity = lastOtherActivity = Date.now();
      }
    }
    // Pop-ups and command menus of other chats are momentary: not kept for later.
    for (const e of events.splice(0)) {
      if (e.chatId !== me) continue;
      items.push({ time: e.time, seq: Number.MAX_SAFE_INTEGER, text: e.line });
      lastActivity = Date.now();
    }
    items.sort((a, b) => a.time - b.time || a.seq - b.seq);
    for (const it of items) print(it.text);
    if (pendingOther.size > 0 && Date.now() - lastOtherActivity >= 400) {
      for (const [chat, n] of pendingOther) print(dim(`  (${n} new message${n === 1 ? '' : 's'} for user ${chat}: :user ${chat} to read)`));
      pendingOther.clear();
    }
  };
  const watcher = setInterval(tick, TICK_MS);

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Until every update was taken and handled and the bot has been quiet for QUIET_MS. */
  const settle = async () => {
    const since = Date.now();
    lastActivity = since;
    for (;;) {
      await sleep(50);
      tick();
      const now = Date.now();
      const handled = runner.size() === 0 && server.storage.userMessages.every((u) => u.isRead);
      const quietFor = now - Math.max(since, lastActivity);
      if ((handled && quietFor >= QUIET_MS && pendingOther.size === 0) || quietFor >= GIVE_UP_MS) break;
    }
  };

  // ------------------------------------------------------------------------------------------
  // Commands

  const HELP = [
    'Type what you would type in Telegram, or one of these:',
    '  text, /command args   sent as the current user',
    '  a t.me/…?start= link  opens it, as tapping an invite link does',
    '  :contact PHONE        share your own phone number (what the 📱 button does), e.g. :contact 012 283 151',
    '  :press LABEL          press the newest button whose label contains LABEL (any case)',
    '  :user ID [NAME]       become another Telegram user (new ones are created), e.g. :user 1002 Sokha',
    '  :photo PATH [CAPTION] send a picture (a photo of a QR card, say), e.g. :photo ~/card.jpg',
    '  :voice PATH           send a voice message (an .ogg file)',
    '  :document PATH        send a file (a roster or scores workbook), e.g. :document scripts/demo-school/timetable.xlsx',
    '  :phones               phone numbers from the demo roster',
    "  :card STUDENT-CODE    the link on that student's QR card (paste it as the gate keeper to scan), e.g. :card DEMO-001-S00065",
    '  :help                 this list',
    '  :quit                 stop (Ctrl-D, Ctrl-C too)',
  ].join('\n');

  const press = async (label: string): Promise<boolean> => {
    const wanted = label.toLowerCase();
    const history = await current.history();
    for (let i = history.length - 1; i >= 0; i--) {
      const m = history[i]!;
      const markup = m.replyMarkup as Markup | undefined;
      const inline = markup?.inline_keyboard?.flat().find((b) => b.text.toLowerCase().includes(wanted));
      if (inline?.callback_data !== undefined) {
        await current.client.sendCallback(
          current.client.makeCallbackQuery(inline.callback_data, { message: { message_id: m.messageId } }) as never,
        );
        return true;
      }
      if (inline?.url) {
        print(dim(`  That button opens a link: ${inline.url}`));
        return false;
      }
      const reply = markup?.keyboard?.flat().find((b) => (typeof b === 'string' ? b : b.text).toLowerCase().includes(wanted));
      if (reply !== undefined) {
        if (typeof reply === 'object' && reply.request_contact) {
          print(dim('  That button shares your phone number: type :contact PHONE (see :phones).'));
          return false;
        }
        await current.send(typeof reply === 'string' ? reply : reply.text);
        return true;
      }
    }
    print(dim(`  No button with "${label}" in this chat.`));
    return false;
  };

  /** Returns false when the session should end. */
  const handle = async (raw: string): Promise<boolean> => {
    const line = raw.trim();
    if (line === '') return true;
    // An invite link opened in Telegram sends /start with its payload.
    const link = /^(?:https?:\/\/)?t\.me\/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]{1,64})$/.exec(line);
    if (link) {
      print(dim(`  (opening the link sends /start ${link[1]})`));
      await current.send(`/start ${link[1]}`);
      await settle();
      return true;
    }
    if (!line.startsWith(':')) {
      await current.send(line);
      await settle();
      return true;
    }
    const [cmd = '', ...args] = line.slice(1).split(/\s+/);
    const rest = args.join(' ');
    switch (cmd.toLowerCase()) {
      case 'quit':
      case 'exit':
      case 'q':
        return false;
      case 'help':
      case 'h':
      case '?':
        print(HELP);
        return true;
      case 'phones':
        print(phonesText());
        return true;
      case 'contact': {
        if (!rest) {
          print(dim('  Usage: :contact PHONE, e.g. :contact 012 283 151 (see :phones)'));
          return true;
        }
        const phone = telegramPhone(rest);
        print(dim(`  📱 you share your contact: +${phone}`));
        await current.shareContact(phone);
        await settle();
        return true;
      }
      case 'photo':
      case 'voice':
      case 'document': {
        const [file, ...caption] = args;
        const where = file?.replace(/^~(?=\/)/, process.env.HOME ?? '~');
        if (!where || !existsSync(where)) {
          print(dim(`  Usage: :${cmd} PATH${cmd === 'photo' ? ' [CAPTION]' : ''} (a file on this computer)`));
          return true;
        }
        const f = files.register(where);
        print(dim(`  📎 you send ${f.name} (${f.size} bytes) as a ${cmd}`));
        await current.sendFile(cmd as 'photo' | 'voice' | 'document', f, caption.join(' '));
        await settle();
        return true;
      }
      case 'press': {
        if (!rest) {
          print(dim('  Usage: :press LABEL, e.g. :press English'));
          return true;
        }
        if (await press(rest)) await settle();
        return true;
      }
      case 'card': {
        // What a phone camera reads from the printed card: the same signed link the bot prints.
        const [student] = await database.rows<{ id: number; school_id: number }>(sql`select id, school_id from students where student_code = ${args[0] ?? ''}`);
        if (!student) {
          print(dim('  Usage: :card STUDENT-CODE, e.g. :card DEMO-001-S00065'));
          return true;
        }
        const card = await cardOf(database.db, { studentId: Number(student.id), schoolId: Number(student.school_id), issuedBy: 'try' }, cardSecret(config), config.BOT_USERNAME!);
        print(dim(`  🪪 ${card!.nameKm} · ${card!.className}: ${card!.link}`));
        return true;
      }
      case 'user': {
        const id = Number(args[0]);
        if (!Number.isSafeInteger(id) || id <= 0) {
          print(dim('  Usage: :user ID [NAME], e.g. :user 1002 Sokha'));
          return true;
        }
        current = userFor(id, args.slice(1).join(' ') || undefined);
        await refreshLabel(id);
        print(dim(`  You are now ${current.firstName}, user ${id} (${labels.get(id) === 'guest' ? 'not linked' : labels.get(id)}).`));
        tick(); // messages that came while you were someone else
        return true;
      }
      default:
        print(dim(`  Unknown command :${cmd}. Type :help.`));
        return true;
    }
  };

  // ------------------------------------------------------------------------------------------
  // Guide

  const h = rosterHints();
  const [g1, g2] = h.guardians;
  const parentOf = (g: PhoneHint | undefined) => g?.note.replace(/:.*/, '') ?? 'parent';
  const guide = [
    '',
    paint('bold', 'SIS bot, local try-out') + ` — the real bot, a Telegram emulator (${server.config.apiURL}), no Internet needed.`,
    dim(`Database: ${where}; Redis: ${config.REDIS_URL} (queue prefix ${config.QUEUE_PREFIX}); ready in ${((Date.now() - started) / 1000).toFixed(1)} s.`),
    '',
    `You are user ${current.id} (${current.firstName}), a new Telegram user. Try:`,
    `  /start, then :press English, then :contact ${g1?.phone ?? '012 283 151'} (a ${parentOf(g1)}), then /whoami`,
    ...(h.principal ? [`  :user ${freeId(current.id + 1)}, /start, :contact ${h.principal.phone} (${h.principal.note})`] : []),
    ...(h.teacher && g2 ? [`  or :contact ${h.teacher.phone} (${h.teacher.note}), :contact ${g2.phone} (another ${parentOf(g2)})`] : []),
    `  the gate keeper: :contact 012 999 008, then :card DEMO-001-S00065 and paste the link it prints (a card scanned)`,
    ...(earlierLinked.length > 0 ? [dim(`Users from earlier sessions: ${earlierLinked.slice(0, 6).join(', ')} (:user ID to be one of them)`)] : []),
    dim(':phones lists roster numbers, :help the commands, :quit (or Ctrl-D) stops.'),
    '',
  ];
  out.write(guide.join('\n') + '\n');

  // ------------------------------------------------------------------------------------------
  // REPL and shutdown

  const interactive = Boolean(process.stdin.isTTY);
  rl = readline.createInterface({ input: process.stdin, output: out, terminal: interactive && out.isTTY });
  const promptText = () => paint('green', `${labels.get(current.id) ?? 'guest'} ${current.id}> `);

  let stopping = false;
  const shutdown = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => {
      console.error('Shutdown took too long; exiting.');
      process.exit(1);
    }, 20_000);
    force.unref();
    clearInterval(watcher);
    if (atPrompt) out.write('\n');
    atPrompt = false;
    rl?.close();
    out.write(dim('Stopping…') + '\n');
    const step = async (name: string, f: () => Promise<unknown> | unknown) => {
      try {
        await f();
      } catch (err) {
        console.error(`${name}: ${(err as Error).message}`);
        code = 1;
      }
    };
    await step('runner', () =>
      runner.isRunning()
        ? Promise.race([runner.stop(), new Promise((_, reject) => setTimeout(() => reject(new Error('did not stop within 5 s')), 5000).unref())])
        : undefined,
    );
    await step('workers', () => workers.close());
    await step('jobs', () => jobs.close());
    await step('redis', () => redis.quit());
    await step('database', () => database.close());
    await step('emulator', () => server.stop());
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  rl.on('SIGINT', () => void shutdown());

  const lines = rl[Symbol.asyncIterator]();
  while (!stopping) {
    rl.setPrompt(promptText());
    rl.prompt();
    atPrompt = true;
    const next = await lines.next();
    if (next.done || stopping) break;
    atPrompt = false;
    if (!interactive) {
      // piped input: show it as if typed
      if (promptBroken) out.write(rl.getPrompt());
      out.write(next.value + '\n');
    }
    promptBroken = false;
    try {
      if (!(await handle(next.value))) break;
      if (labels.has(current.id)) await refreshLabel(current.id);
    } catch (err) {
      print(paint('red', `  Error: ${(err as Error).message}`));
    }
  }
  await shutdown();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
