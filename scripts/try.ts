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
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { run, type RunnerHandle } from '@grammyjs/runner';
import { Api } from 'grammy';
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
import { EmulatedUser, holdEmptyPolls, startEmulator } from '../test/support/bot-api-emulator.js';
import { tryFiles } from './try-files.js';
import { emulatorShims } from './try-shims.js';
import { phonesText, rosterHints, telegramPhone, type PhoneHint } from './try-roster.js';
import { botMessages, dim, paint, renderMessage, type Markup, type SideEvent } from './try-view.js';

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
    for (const m of botMessages(server, TOKEN)) {
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
        print(phonesText(SCHOOL));
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
