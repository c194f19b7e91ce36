/**
 * The fault suite's update faults, against the real bot process: a webhook crash then Telegram's
 * redelivery, a polling kill -9 while handling, SIGTERM during a burst, and Postgres down for an
 * English user. "Answered" = the fake Bot API accepted at least one message to that user's chat.
 */
import { appStarted, killApp, sleep, startApp, waitFor, type AppProcess } from './infra.js';
import type { FaultLine, Suite } from './run.js';

const WEBHOOK_PORT = Number(process.env.FAULTS_WEBHOOK_PORT ?? 58080);
const SECRET = 'faults-suite-webhook-secret';
let nextUpdateId = 1_000;

function startUpdate(userId: number, languageCode = 'km') {
  const now = Math.floor(Date.now() / 1000);
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: nextUpdateId,
      date: now,
      chat: { id: userId, type: 'private', first_name: 'Parent' },
      from: { id: userId, is_bot: false, first_name: 'Parent', language_code: languageCode },
      text: '/start',
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    },
  };
}

const webhookEnv = (s: Suite) => ({
  ...s.env,
  BOT_MODE: 'webhook',
  WEBHOOK_URL: `https://faults.example/tg/hook`,
  WEBHOOK_SECRET: SECRET,
  PORT: String(WEBHOOK_PORT),
});

/** POSTs like Telegram; resolves with the HTTP status (0: no answer). */
async function deliver(update: object): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${WEBHOOK_PORT}/tg/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
      signal: AbortSignal.timeout(15_000),
    });
    await res.text();
    return res.status;
  } catch {
    return 0;
  }
}

/** Telegram's side: re-POSTs every update not answered 200, until it is (or `timeoutMs`). */
async function deliverUntilAccepted(updates: object[], timeoutMs: number): Promise<void> {
  const started = Date.now();
  let left = updates;
  while (left.length > 0 && Date.now() - started < timeoutMs) {
    const status = await Promise.all(left.map((u) => deliver(u)));
    left = left.filter((_, i) => status[i] !== 200);
    if (left.length > 0) await sleep(500);
  }
}

async function botUp(env: Record<string, string>, procs: AppProcess[]): Promise<AppProcess> {
  const bot = startApp('bot', env);
  procs.push(bot);
  await appStarted(bot);
  return bot;
}

/** Who got an answer, and how many messages repeated one they had already got (a reply may be several messages). */
function answers(s: Suite, users: number[], since: number) {
  let answered = 0;
  let extra = 0;
  for (const u of users) {
    const texts = (s.received.get(u) ?? []).filter((m) => m.at >= since).map((m) => m.text);
    if (texts.length > 0) answered++;
    extra += texts.length - new Set(texts).size;
  }
  return { answered, extra };
}

async function webhookCrash(s: Suite, procs: AppProcess[]): Promise<FaultLine> {
  const users = Array.from({ length: 20 }, (_, i) => 5_000_000 + i);
  const since = Date.now();
  let bot = await botUp(webhookEnv(s), procs);
  const updates = users.map((u) => startUpdate(u));
  const first = Promise.all(updates.map((u) => deliver(u)));
  await sleep(25);
  await killApp(bot, 'SIGKILL');
  const status = await first;
  const killedAt = Date.now();
  bot = await botUp(webhookEnv(s), procs);
  // Telegram redelivers every update it got no 200 for; and, to test the dedupe, all of them once more.
  await deliverUntilAccepted(updates.filter((_, i) => status[i] !== 200), 30_000);
  await deliverUntilAccepted(updates, 30_000);
  await waitFor('answers', () => answers(s, users, since).answered === users.length, 20_000, 200).catch(() => {});
  const a = answers(s, users, since);
  await killApp(bot, 'SIGTERM');
  return {
    fault: 'webhook: crash while handling, then redelivery',
    delivered: a.answered,
    expected: users.length,
    duplicates: a.extra,
    lost: users.length - a.answered,
    recoverS: (Date.now() - killedAt) / 1000,
    pass: a.answered === users.length,
    note: `${status.filter((c) => c === 200).length} answered 200 before the kill; every update then re-POSTed once more (dedupe)`,
  };
}

async function pollingKill(s: Suite, procs: AppProcess[]): Promise<FaultLine> {
  const users = Array.from({ length: 20 }, (_, i) => 6_000_000 + i);
  const since = Date.now();
  const env = { ...s.env, BOT_MODE: 'polling', PORT: String(WEBHOOK_PORT) };
  let bot = await botUp(env, procs);
  const batchesBefore = s.updateBatches();
  s.pushUpdates(users.map((u) => startUpdate(u)));
  await waitFor('the batch fetched', () => s.updateBatches() > batchesBefore, 10_000, 5);
  await sleep(15);
  await killApp(bot, 'SIGKILL');
  const killedAt = Date.now();
  const before = answers(s, users, since).answered;
  bot = await botUp(env, procs);
  await waitFor('answers', () => answers(s, users, since).answered === users.length, 30_000, 200).catch(() => {});
  const a = answers(s, users, since);
  await killApp(bot, 'SIGTERM');
  return {
    fault: 'polling: kill -9 while handling',
    delivered: a.answered,
    expected: users.length,
    duplicates: a.extra,
    lost: users.length - a.answered,
    recoverS: (Date.now() - killedAt) / 1000,
    pass: a.answered === users.length,
    note: `${before} answered before the kill; duplicates ≤ handlers in flight`,
  };
}

async function sigtermBurst(s: Suite, procs: AppProcess[]): Promise<FaultLine> {
  const users = Array.from({ length: 30 }, (_, i) => 7_000_000 + i);
  const since = Date.now();
  const bot = await botUp(webhookEnv(s), procs);
  const updates = users.map((u) => startUpdate(u));
  const first = Promise.all(updates.map((u) => deliver(u)));
  await sleep(30);
  bot.child.kill('SIGTERM');
  const status = await first;
  await Promise.race([bot.exited, sleep(30_000)]);
  const byFirst = answers(s, users, since).answered;
  // Updates refused by the stopping process come back to the next one (Telegram redelivers).
  const next = await botUp(webhookEnv(s), procs);
  await deliverUntilAccepted(updates.filter((_, i) => status[i] !== 200), 30_000);
  await waitFor('answers', () => answers(s, users, since).answered === users.length, 20_000, 200).catch(() => {});
  const a = answers(s, users, since);
  await killApp(next, 'SIGTERM');
  const accepted = status.filter((c) => c === 200).length;
  return {
    fault: 'SIGTERM of the bot during a burst (30 users)',
    delivered: a.answered,
    expected: users.length,
    duplicates: a.extra,
    lost: users.length - a.answered,
    recoverS: null,
    pass: a.answered === users.length && byFirst >= accepted,
    note: `the stopping bot took ${accepted} and answered ${byFirst}; the rest were redelivered`,
  };
}

async function postgresDownEnglish(s: Suite, procs: AppProcess[]): Promise<FaultLine> {
  const user = 8_000_001;
  const bot = await botUp(webhookEnv(s), procs);
  s.pg.stop();
  const sent = Date.now();
  try {
    await deliver(startUpdate(user, 'en'));
    await waitFor('an answer', () => (s.received.get(user) ?? []).length > 0, 15_000, 50).catch(() => {});
  } finally {
    s.pg.start();
  }
  const got = s.received.get(user) ?? [];
  const first = got[0];
  await killApp(bot, 'SIGTERM');
  const english = !!first && /unavailable/.test(first.text);
  return {
    fault: 'Postgres down, English user',
    delivered: got.length > 0 ? 1 : 0,
    expected: 1,
    duplicates: Math.max(0, got.length - 1),
    lost: got.length > 0 ? 0 : 1,
    recoverS: first ? (first.at - sent) / 1000 : null,
    pass: english && first.at - sent < 5000,
    note: first ? `answer in ${english ? 'English' : 'another language'}` : 'no answer',
  };
}

export async function faultsOfUpdates(s: Suite, procs: AppProcess[]): Promise<FaultLine[]> {
  const out: FaultLine[] = [];
  for (const [name, fn] of [
    ['webhook: crash while handling, then redelivery', webhookCrash],
    ['polling: kill -9 while handling', pollingKill],
    ['SIGTERM of the bot during a burst', sigtermBurst],
    ['Postgres down, English user', postgresDownEnglish],
  ] as const) {
    try {
      out.push(await fn(s, procs));
    } catch (err) {
      out.push({ fault: name, delivered: 0, expected: 0, duplicates: 0, lost: 0, recoverS: null, pass: false, note: `harness: ${(err as Error).message}` });
    }
  }
  return out;
}
