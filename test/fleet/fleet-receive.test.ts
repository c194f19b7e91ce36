/**
 * A fleet's other bots receive as well as send: in webhook mode each bot has a path of its own
 * (WEBHOOK_URL/<bot id>) answered by that bot; the Mini Apps accept initData signed by any bot of
 * the fleet and act only on the schools of the bot that signed it; a person talking to two bots
 * has a conversation with each, not one shared.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../src/app.js';
import { createBot } from '../../src/core/telegram/bot.js';
import { fleetMiniAppBots, registerBots } from '../../src/core/telegram/fleet.js';
import { createHttpServer, fleetWebhookRoutes, fleetWebhookUrl } from '../../src/core/telegram/webhook.js';
import { miniAppRoutes, signInitData, verifyInitData } from '../../src/qr/miniapp.js';
import { scoresMiniAppRoutes } from '../../src/scores/miniapp.js';
import { signCard } from '../../src/qr/tokens.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadDemoSchool } from '../support/fixtures.js';
import { BOT_INFO, FakeTelegram, TestUser } from '../support/telegram.js';
import { addGatekeeper, issueAllCards } from '../qr/gate.js';

const DEFAULT_TOKEN = '123456:TEST-TOKEN-abcdefghij';
const FLEET_TOKEN = '777:FLEET-TOKEN-abcdefghij';
const SECRET = 'a-very-secret-token-123';
const now = new Date('2026-11-23T00:05:00Z'); // 07:05 in Phnom Penh
let app: TestApp;
let fleetTg: FakeTelegram;
let fleetBot: ReturnType<typeof createBot>;
let server: Server;
let base: string;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);
const config = { BOT_TOKEN: DEFAULT_TOKEN, BOT_TOKENS: `${FLEET_TOKEN}@sis_fleet_bot`, BOT_USERNAME: BOT_INFO.username };

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  await loadDemoSchool(app.database.db, undefined, 'DEMO-002');
  await registerBots(app.database.db, [{ id: 777, username: 'sis_fleet_bot' }]);
  await app.database.db.execute(sql`update schools set bot_id = 777 where code = 'DEMO-002'`);
  await issueAllCards(app);
  fleetTg = new FakeTelegram();
  fleetBot = createBot({
    token: FLEET_TOKEN,
    deps: { ...app.deps, botUsername: 'sis_fleet_bot' },
    fetch: fleetTg.fetch,
    botInfo: { ...BOT_INFO, id: 777, username: 'sis_fleet_bot' },
    capabilities: CAPABILITIES,
    rateLimit: { max: 10_000, windowMs: 1000 },
    fleetBotId: 777,
  });
  await fleetBot.init();
  const hooks = [
    { bot: app.bot, id: 123456, isDefault: true },
    { bot: fleetBot, id: 777, isDefault: false },
  ];
  server = createHttpServer([
    ...fleetWebhookRoutes(hooks, { webhookUrl: 'https://sis.example/tg/hook', secretToken: SECRET }),
    ...miniAppRoutes(app.deps, fleetMiniAppBots(app.database.db, config), '/scan'),
    ...scoresMiniAppRoutes(app.deps, fleetMiniAppBots(app.database.db, config), '/scan'),
  ]);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await app?.close();
});

describe('webhook mode with a fleet', () => {
  it('the default bot stays at WEBHOOK_URL; every other bot gets WEBHOOK_URL/<bot id>', () => {
    expect(fleetWebhookUrl('https://sis.example/tg/hook', { id: 123456, isDefault: true })).toBe('https://sis.example/tg/hook');
    expect(fleetWebhookUrl('https://sis.example/tg/hook/', { id: 777, isDefault: false })).toBe('https://sis.example/tg/hook/777');
    expect(fleetWebhookUrl('https://sis.example', { id: 777, isDefault: false })).toBe('https://sis.example/777');
  });

  it("each bot's path is answered by that bot alone, and only with the secret token", async () => {
    const help = (id: number, chat: number) => ({
      update_id: id,
      message: { message_id: 1, date: 0, chat: { id: chat, type: 'private', first_name: 'W' }, from: { id: chat, is_bot: false, first_name: 'W' }, text: '/help', entities: [{ type: 'bot_command', offset: 0, length: 5 }] },
    });
    const post = (path: string, body: unknown, secret?: string) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(secret ? { 'X-Telegram-Bot-Api-Secret-Token': secret } : {}) }, body: JSON.stringify(body) });
    app.tg.clear();
    fleetTg.clear();
    expect((await post('/tg/hook/777', help(1, 8301))).status).toBe(401);
    expect((await post('/tg/hook/777', help(2, 8301), 'wrong')).status).toBe(401);
    expect((await post('/tg/hook/888', help(3, 8301), SECRET)).status).toBe(404);
    expect(fleetTg.callsOf('sendMessage')).toHaveLength(0);

    expect((await post('/tg/hook/777', help(4, 8301), SECRET)).status).toBe(200);
    expect(fleetTg.callsOf('sendMessage').map((c) => c.payload.chat_id)).toEqual([8301]);
    expect(app.tg.callsOf('sendMessage')).toHaveLength(0);

    expect((await post('/tg/hook', help(5, 8302), SECRET)).status).toBe(200);
    expect(app.tg.callsOf('sendMessage').map((c) => c.payload.chat_id)).toEqual([8302]);
    expect(fleetTg.callsOf('sendMessage').map((c) => c.payload.chat_id)).toEqual([8301]);
  });
});

describe('Mini Apps opened from any bot of the fleet', () => {
  const at = Math.floor(now.getTime() / 1000);
  const initData = (userId: number, token: string) => signInitData({ auth_date: String(at), query_id: 'AAH', user: JSON.stringify({ id: userId, first_name: 'G' }) }, token);
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const cardOf = async (schoolCode: string) => {
    const [kid] = await app.database.rows<{ id: number }>(sql`select s.id from students s join schools sc on sc.id = s.school_id where sc.code = ${schoolCode} order by s.id limit 1`);
    return { studentId: Number(kid!.id), text: `https://t.me/x?start=${signCard(app.deps.cardSecret, { studentId: Number(kid!.id), version: 1 })}` };
  };
  const arrived = async (studentId: number) => Number((await app.database.rows<{ n: number }>(sql`select count(*)::int as n from checkins where student_id = ${studentId}`))[0]!.n);

  it('initData names the bot that signed it; a token outside the fleet is refused', () => {
    const tokens = [DEFAULT_TOKEN, FLEET_TOKEN];
    expect(verifyInitData(initData(7, FLEET_TOKEN), tokens, at)).toEqual({ ok: true, userId: 7, authDate: at, botId: 777 });
    expect(verifyInitData(initData(7, DEFAULT_TOKEN), tokens, at)).toEqual({ ok: true, userId: 7, authDate: at, botId: 123456 });
    expect(verifyInitData(initData(7, '999:OTHER-TOKEN-abcdefghij'), tokens, at)).toEqual({ ok: false, reason: 'bad-hash' });
    // one token: a string, as before
    expect(fleetMiniAppBots(app.database.db, { BOT_TOKEN: DEFAULT_TOKEN })).toBe(DEFAULT_TOKEN);
  });

  it("a gate keeper of the fleet bot's school scans there from that bot, never another school's card", async () => {
    await addGatekeeper(app, 'DEMO-002', '+85512999003');
    await app.user(4101, 'Gate B').shareContact('012 999 003');
    expect((await post('/scan/api/hello', { initData: initData(4101, FLEET_TOKEN) })).status).toBe(200);
    expect((await post('/scan/api/hello', { initData: initData(4101, '999:OTHER-TOKEN-abcdefghij') })).status).toBe(401);

    const own = await cardOf('DEMO-002');
    const ok = await post('/scan/api/scan', { initData: initData(4101, FLEET_TOKEN), text: own.text });
    expect(ok).toMatchObject({ status: 200, body: { ok: true, kind: 'arrival' } });
    expect(await arrived(own.studentId)).toBe(1);

    const other = await cardOf('DEMO-001');
    const refused = await post('/scan/api/scan', { initData: initData(4101, FLEET_TOKEN), text: other.text });
    expect(refused.body.ok).toBe(false);
    expect(await arrived(other.studentId)).toBe(0);
    // opened from the default bot (which does not serve DEMO-002) they are no scanner at all
    expect(await post('/scan/api/scan', { initData: initData(4101, DEFAULT_TOKEN), text: own.text })).toEqual({ status: 403, body: { error: 'not-scanner', text: t('km', 'qr-scan-app-denied') } });
  });

  it('a gate keeper of both schools acts, from each bot, on that bot’s school alone', async () => {
    await addGatekeeper(app, 'DEMO-001', '+85512999004');
    await addGatekeeper(app, 'DEMO-002', '+85512999004');
    await app.user(4102, 'Gate AB').shareContact('012 999 004');
    const [, b] = await app.database.rows<{ id: number }>(sql`select s.id from students s join schools sc on sc.id = s.school_id where sc.code = 'DEMO-002' order by s.id limit 2`);
    const [, a] = await app.database.rows<{ id: number }>(sql`select s.id from students s join schools sc on sc.id = s.school_id where sc.code = 'DEMO-001' order by s.id limit 2`);
    const card = (id: number) => `https://t.me/x?start=${signCard(app.deps.cardSecret, { studentId: Number(id), version: 1 })}`;

    expect((await post('/scan/api/scan', { initData: initData(4102, FLEET_TOKEN), text: card(a!.id) })).body.ok).toBe(false);
    expect((await post('/scan/api/scan', { initData: initData(4102, DEFAULT_TOKEN), text: card(b!.id) })).body.ok).toBe(false);
    expect(await arrived(Number(a!.id))).toBe(0);
    expect(await arrived(Number(b!.id))).toBe(0);

    expect((await post('/scan/api/scan', { initData: initData(4102, DEFAULT_TOKEN), text: card(a!.id) })).body).toMatchObject({ ok: true, kind: 'arrival' });
    expect((await post('/scan/api/scan', { initData: initData(4102, FLEET_TOKEN), text: card(b!.id) })).body).toMatchObject({ ok: true, kind: 'arrival' });
    expect(await arrived(Number(a!.id))).toBe(1);
    expect(await arrived(Number(b!.id))).toBe(1);
  });
});

describe('the score sheet opened from a fleet bot', () => {
  it("accepts the fleet bot's initData and sees the teacher only in that bot's school", async () => {
    // the demo staff list is the same in both demo schools: this teacher is on the staff of both
    await app.user(4301, 'Makara').shareContact('016 025 313');
    const at = Math.floor(now.getTime() / 1000);
    const initData = (token: string) => signInitData({ auth_date: String(at), user: JSON.stringify({ id: 4301, first_name: 'T' }) }, token);
    const [a] = await app.database.rows<{ id: number; school_id: number }>(sql`select c.id, c.school_id from classes c join schools s on s.id = c.school_id where s.code = 'DEMO-001' and c.name = '7A'`);
    const [b] = await app.database.rows<{ id: number }>(sql`select id from schools where code = 'DEMO-002'`);
    const open = (token: string) =>
      fetch(`${base}/scores/api/sheet`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ initData: initData(token), c: Number(a!.id), s: 1, a: 1 }) });
    expect((await open('999:OTHER-TOKEN-abcdefghij')).status).toBe(401);
    // signed by the fleet bot: trusted, but DEMO-001's class is not this bot's school
    expect((await open(FLEET_TOKEN)).status).toBe(403);
    // signed by the default bot: DEMO-001's membership is the one checked (refused only for want of a sheet)
    expect((await open(DEFAULT_TOKEN)).status).toBe(403);
    const denied = await app.database.rows<{ school_id: number | null; reason: string }>(sql`
      select school_id, details->>'reason' as reason from audit_log where action = 'scores.miniapp' and actor = 'tg:4301' order by id`);
    expect(denied.map((d) => [d.school_id === null ? null : Number(d.school_id), d.reason])).toEqual([
      [Number(b!.id), 'not-yours'],
      [Number(a!.school_id), 'not-yours'],
    ]);
  });
});

describe('conversations per bot', () => {
  it('a flow open with one bot does not take what the person writes to the other', async () => {
    const withFleet = new TestUser(fleetBot, fleetTg, 4201, 'P');
    const withDefault = app.user(4201, 'P');
    await withFleet.send('/code');
    expect(withFleet.texts()).toEqual([t('km', 'onboarding-invite-ask-code')]);
    await withDefault.send('not a code');
    expect(withDefault.texts()).toEqual([t('km', 'core-error-not-understood')]);
    // the fleet bot's flow is still waiting for its code
    await withFleet.send('not a code');
    expect(withFleet.texts()).toEqual([t('km', 'onboarding-invite-invalid'), t('km', 'onboarding-invite-try-again')]);
    const keys = await app.database.rows<{ key: string }>(sql`select key from bot_storage where key like ${'conv:%4201'} order by key`);
    expect(keys.map((k) => k.key)).toContain('conv:777:4201');
  });

  it('each bot sets its own command list for the person, though another bot already set one', async () => {
    const withDefault = app.user(4203, 'R');
    const withFleet = new TestUser(fleetBot, fleetTg, 4203, 'R');
    const setFor = (tg: FakeTelegram) => tg.callsOf('setMyCommands').filter((c) => c.payload.scope?.chat_id === 4203).length;
    await withDefault.send('/start');
    expect(setFor(app.tg)).toBe(1);
    await withFleet.send('/start');
    expect(setFor(fleetTg)).toBe(1);
    // the same list again from the same bot: not sent again
    await withFleet.send('/start');
    expect(setFor(fleetTg)).toBe(1);
  });

  it("the default bot's conversations keep their old keys", async () => {
    const u = app.user(4202, 'Q');
    await u.send('/code');
    expect(u.texts()).toEqual([t('km', 'onboarding-invite-ask-code')]);
    const keys = await app.database.rows<{ key: string }>(sql`select key from bot_storage where key like ${'conv:%4202'}`);
    expect(keys.map((k) => k.key)).toEqual(['conv:4202']);
  });
});
