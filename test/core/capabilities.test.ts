/**
 * The capability list: its start-up checks, a new capability that is one object and one line in
 * the list (command, button, job) working through the real bot and the real worker, and buttons
 * of one capability reaching it while another capability's flow is open.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Composer, InlineKeyboard, Api } from 'grammy';
import { Redis } from 'ioredis';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { CAPABILITIES, startWorkers, type WorkerHandles } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Capability } from '../../src/core/capability.js';
import { capabilityProblems } from '../../src/core/capability-check.js';
import { buttonNamespace, day, id, int, oneOf, optional } from '../../src/core/buttons.js';
import { addJob, createJobAdder } from '../../src/core/queue/jobs.js';
import { addToOutbox } from '../../src/core/queue/outbox.js';
import { createLogger } from '../../src/core/logger.js';
import { guardians, telegramAccounts } from '../../src/core/db/schema.js';
import { localeKeys } from '../../src/core/i18n/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import { addGatekeeper, issueAllCards } from '../qr/gate.js';
import { signCard } from '../../src/qr/tokens.js';

const keys = { km: localeKeys('km'), en: localeKeys('en') };

describe('the capability list', () => {
  it('passes its start-up checks', () => {
    expect(capabilityProblems(CAPABILITIES)).toEqual([]);
  });

  it('names every clash, missing text, unknown role and queue without a handler', () => {
    const bad: Capability[] = [
      ...CAPABILITIES,
      {
        id: 'broken',
        callbackNamespaces: ['at'],
        commands: [
          { command: 'today', descriptionKey: 'attendance-cmd-today', roles: ['operator'] },
          { command: 'nothing', descriptionKey: 'no-such-key', roles: ['janitor' as never] },
        ],
        homeButtons: [{ id: 'x', labelKey: 'onboarding-menu-help', roles: ['parent'], data: 'zz:go' }],
        queues: [{ name: 'reports', payload: z.object({}), concurrency: 1, run: undefined as never }],
        fallback: () => new Composer(),
      },
    ];
    const problems = capabilityProblems(bad, keys);
    expect(problems).toEqual(
      expect.arrayContaining([
        'callback namespace "at" is claimed by both attendance and broken',
        'command /today is claimed by both attendance and broken',
        'broken: /nothing: text "no-such-key" is missing in locales/km.ftl',
        'broken: /nothing: text "no-such-key" is missing in locales/en.ftl',
        'broken: /nothing: unknown role "janitor"',
        'broken: home button x: its data "zz:go" is not in the capability\'s callback namespaces',
        'queue "reports" is claimed by both reports and broken',
        'broken: queue reports has no job handler',
        'exactly one capability must have a fallback (found 2)',
      ]),
    );
  });
});

describe('typed buttons', () => {
  const ns = buttonNamespace('tb');
  const sheet = ns.button('s', { classId: id(), day: day(), roll: optional(int(1, 999)) });
  const answer = ns.button('a', { answer: oneOf({ sick: 's', late: 'l' }) });

  it('pack and parse the same values, and leave out absent optional fields', () => {
    expect(sheet.pack({ classId: 12, day: '2026-11-23', roll: 3 })).toBe('tb:s:12:20261123:3');
    expect(sheet.pack({ classId: 12, day: '2026-11-23' })).toBe('tb:s:12:20261123');
    expect(sheet.parse('tb:s:12:20261123:3')).toEqual({ classId: 12, day: '2026-11-23', roll: 3 });
    expect(sheet.parse('tb:s:12:20261123')).toEqual({ classId: 12, day: '2026-11-23', roll: undefined });
    expect(answer.parse(answer.pack({ answer: 'late' }))).toEqual({ answer: 'late' });
  });

  it('refuse forged data: ids out of range, impossible days, other buttons, extra fields', () => {
    expect(sheet.parse('tb:s:999999999999:20261123')).toBeNull(); // 12 digits: no overflow, refused
    expect(sheet.parse('tb:s:12:20260230')).toBeNull();
    expect(sheet.parse('tb:s:12:20261123:1000')).toBeNull();
    expect(sheet.parse('tb:s:12:20261123:1:9')).toBeNull();
    expect(sheet.parse('tb:a:s')).toBeNull();
    expect(answer.parse('tb:a:x')).toBeNull();
    expect(ns.owns('tb:zz')).toBe(true);
    expect(ns.owns('tbx:a')).toBe(false);
    expect(() => sheet.pack({ classId: 0, day: '2026-11-23' })).toThrow();
    expect(() => ns.button('s')).toThrow(/declared twice/);
  });
});

describe('a capability added to the list alone', () => {
  let app: TestApp;
  let redis: Redis;
  let workers: WorkerHandles;
  const prefix = `test-cap-${randomBytes(4).toString('hex')}`;

  // One command, one button, one job: /ping answers with a button; pressing it queues a job; the
  // worker's job writes a message to the outbox, and the sender delivers it.
  const pg = buttonNamespace('pg');
  const pongButton = pg.button('go', { n: int(1, 9) });
  const pingHome = pg.button('home');
  const pingQueue = {
    name: 'ping',
    payload: z.object({ kind: z.literal('pong'), chatId: z.number().int(), n: z.number().int() }),
    concurrency: 1,
    run: async (job: { kind: 'pong'; chatId: number; n: number }, ctx: { database: { db: any }; notifier: { t: (l: 'km' | 'en', k: string) => string } }) => {
      await addToOutbox(ctx.database.db, { dedupeKey: `pong:${job.chatId}:${job.n}`, capability: 'ping', chatId: job.chatId, payload: { text: `${ctx.notifier.t('en', 'onboarding-cmd-help')} #${job.n}` } });
    },
  };
  const ping: Capability = {
    id: 'ping',
    callbackNamespaces: [pg.name],
    commands: [{ command: 'ping', descriptionKey: 'onboarding-cmd-help', roles: 'everyone' }],
    homeButtons: [{ id: 'ping', labelKey: 'onboarding-cmd-whoami', roles: ['parent'], data: pingHome.pack({}) }],
    queues: [pingQueue as never],
    bot: (deps) => {
      const c = new Composer<any>();
      c.command('ping', (ctx) => ctx.reply('pong?', { reply_markup: new InlineKeyboard().text('go', pongButton.pack({ n: 7 })) }));
      c.callbackQuery(pongButton.pattern, async (ctx) => {
        const b = pongButton.parse(ctx.callbackQuery.data)!;
        await addJob(deps.jobs, pingQueue as never, { kind: 'pong', chatId: ctx.chat!.id, n: b.n });
        await ctx.answerCallbackQuery();
      });
      return c;
    },
  };
  const list = [...CAPABILITIES, ping];

  beforeAll(async () => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    app = await createTestApp({ capabilities: list });
    await loadDemoSchool(app.database.db);
    const config = loadConfig({ BOT_TOKEN: '123456:TEST-TOKEN-abcdefghij', QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent', DATABASE_URL: 'postgres://unused' });
    workers = await startWorkers(config, app.database, redis, createLogger('silent'), new Api(config.BOT_TOKEN, { fetch: app.tg.fetch }), list);
    // The bot hands jobs to the real queue (instead of the test app's list).
    app.deps.jobs = createJobAdder(redis, prefix, list.flatMap((c) => (c.queues ?? []).map((q) => q.name)));
    app.deps.kickOutbox = () => workers.relay.kick();
  });

  afterAll(async () => {
    await workers?.close();
    const left = await redis.keys(`${prefix}:*`);
    if (left.length) await redis.del(...left);
    await redis.quit();
    await app?.close();
  });

  it('answers its command, takes its button, and its job reaches the user through the worker', async () => {
    const u = app.user(9001, 'Pat');
    await u.send('/ping');
    const [question] = u.inbox();
    expect(question!.text).toBe('pong?');
    await u.press('go');
    const delivered = () => app.tg.calls.some((c) => c.method === 'sendMessage' && c.payload.chat_id === 9001 && String(c.payload.text).endsWith('#7'));
    for (let i = 0; i < 400 && !delivered(); i++) await new Promise((r) => setTimeout(r, 25));
    expect(u.inbox().map((m) => m.text)).toContain(`${app.notifier.t('en', 'onboarding-cmd-help')} #7`);
    expect(workers.queues.has('ping')).toBe(true);
  });

  it('offers its command in the chat\'s command list and its home button to its roles', async () => {
    const [g] = await app.database.rows<{ phone: string }>(sql`select phone from guardians where phone is not null order by id limit 1`);
    const parent = app.user(9002, 'Par');
    await parent.shareContact(g!.phone);
    const set = app.tg.calls.filter((c) => c.method === 'setMyCommands' && c.payload.scope?.chat_id === 9002).at(-1);
    expect(set!.payload.commands.map((c: { command: string }) => c.command)).toContain('ping');
    parent.inbox();
    await parent.send('/menu');
    const [menu] = parent.inbox();
    const data = (menu!.replyMarkup.inline_keyboard as Array<Array<{ callback_data: string }>>).flat().map((b) => b.callback_data);
    expect(data).toContain(pingHome.pack({}));
  });

  it('refuses a job for a queue no capability has', async () => {
    await expect(app.deps.jobs.add('nobody', 'x', {})).rejects.toThrow(/no capability has a queue named "nobody"/);
    await expect(addJob(app.deps.jobs, pingQueue as never, { kind: 'pong', chatId: 'not a number' } as never)).rejects.toThrow(/payload not valid/);
  });
});

describe("another capability's button while /announce is open", () => {
  let app: TestApp;
  let deliver: () => Promise<void>;
  let stop: () => Promise<void>;
  const now = new Date('2026-11-23T00:02:00Z'); // Monday 07:02 in Phnom Penh

  beforeAll(async () => {
    app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
    await loadDemoSchool(app.database.db);
    await issueAllCards(app);
    await addGatekeeper(app, 'DEMO-001', '+85512999001');
    ({ deliver, stop } = startTestDelivery(app));
  });
  afterAll(async () => {
    await stop?.();
    await app?.close();
  });

  it('the 🔕 of an arrival notice turns notices off while the principal is writing an announcement', async () => {
    const principal = app.user(9101, 'Sophea', 'en');
    await principal.shareContact('093 388 921');
    // The principal is also the guardian of a 7A child.
    const [kid] = await app.database.rows<{ id: number; guardian_id: number }>(sql`
      select s.id, sg.guardian_id from students s join classes c on c.id = s.class_id and c.name = '7A'
        join student_guardians sg on sg.student_id = s.id order by s.roll_no limit 1`);
    await app.database.db.update(guardians).set({ telegramUserId: 9101 }).where(eq(guardians.id, Number(kid!.guardian_id)));
    await app.database.db.update(telegramAccounts).set({ locale: 'en' }).where(eq(telegramAccounts.telegramUserId, 9101));
    const gate = app.user(9102, 'Gate');
    await gate.shareContact('012 999 001');
    principal.inbox();
    gate.inbox();

    await gate.send(`/start ${signCard(app.deps.cardSecret, { studentId: Number(kid!.id), version: 1 })}`);
    await deliver();
    const notices = principal.inbox();
    expect(notices).toHaveLength(1);

    await principal.send('/announce');
    expect(principal.inbox()[0]!.text).toBe(app.notifier.t('en', 'announcements-ask-content'));
    await principal.press(app.notifier.t('en', 'qr-scan-notices-off-button'));
    expect(principal.inbox().map((m) => m.text)).toContain(app.notifier.t('en', 'qr-scan-notices-off-done'));
    const [account] = await app.database.db.select().from(telegramAccounts).where(eq(telegramAccounts.telegramUserId, 9101));
    expect(account!.arrivalNotices).toBe(false);

    // The announcement is still being written: the next message is its content.
    await principal.send('Meeting at 3');
    expect(principal.inbox()[0]!.text).toBe(app.notifier.t('en', 'announcements-ask-audience'));
  });
});
