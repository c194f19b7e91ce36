/**
 * The gate-scanner Mini App over real HTTP: only requests whose initData verifies against the bot
 * token are trusted; the verified user scans like anywhere else; parents and bad initData are
 * refused, nothing recorded, the denial audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { sql } from 'drizzle-orm';
import { createHttpServer } from '../../src/core/telegram/webhook.js';
import { miniAppRoutes, signInitData, verifyInitData } from '../../src/qr/miniapp.js';
import { signCard } from '../../src/qr/tokens.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import { addGatekeeper, issueAllCards } from './gate.js';

const TOKEN = '123456:TEST-TOKEN-abcdefghij';
const now = new Date('2026-11-23T00:05:00Z'); // 07:05 in Phnom Penh
let app: TestApp;
let server: Server;
let base: string;
let stopDelivery: () => Promise<void>;
let deliver: () => Promise<void>;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);

const initDataFor = (userId: number, authDate = Math.floor(now.getTime() / 1000), token = TOKEN) =>
  signInitData({ auth_date: String(authDate), query_id: 'AAH', user: JSON.stringify({ id: userId, first_name: 'G' }) }, token);

async function post(path: string, body: unknown) {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const checkinCount = async () => Number((await app.database.rows<{ n: number }>(sql`select count(*)::int as n from checkins`))[0]!.n);

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  await issueAllCards(app);
  await addGatekeeper(app, 'DEMO-001', '+85512999002');
  await app.user(4001, 'Gate').shareContact('012 999 002');
  await app.user(4002, 'Parent').shareContact('015 433 601'); // guardian of a 7A child
  ({ deliver, stop: stopDelivery } = startTestDelivery(app));
  server = createHttpServer(miniAppRoutes(app.deps, TOKEN, '/scan'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await stopDelivery?.();
  await app?.close();
});

describe('initData verification', () => {
  const at = Math.floor(now.getTime() / 1000);
  it('accepts what Telegram signs and refuses any change, another token, or an old one', () => {
    const good = initDataFor(7, at);
    expect(verifyInitData(good, TOKEN, at)).toEqual({ ok: true, userId: 7, authDate: at, botId: 123456 });
    expect(verifyInitData(good.replace('%22id%22%3A7', '%22id%22%3A8'), TOKEN, at)).toEqual({ ok: false, reason: 'bad-hash' });
    expect(verifyInitData(initDataFor(7, at, '999:OTHER-TOKEN-abcdefghij'), TOKEN, at)).toEqual({ ok: false, reason: 'bad-hash' });
    expect(verifyInitData(initDataFor(7, at - 2 * 86400), TOKEN, at)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyInitData('', TOKEN, at)).toEqual({ ok: false, reason: 'missing' });
  });
});

describe('the scanner page and its API', () => {
  it('serves the page, which takes its words from the API', async () => {
    const res = await fetch(`${base}/scan`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('showScanQrPopup');
    expect(html).toContain('/scan/api');
    const hello = await post('/scan/api/hello', { initData: initDataFor(4001) });
    expect(hello).toEqual({ status: 200, body: expect.objectContaining({ lang: 'km', start: t('km', 'qr-scan-app-start'), hint: t('km', 'qr-scan-app-hint') }) });
  });

  it('records card after card for the gate keeper, with the name and time, and the family is told', async () => {
    const kids = await app.database.rows<{ id: number; name_km: string }>(sql`
      select s.id, s.name_km from students s join classes c on c.id = s.class_id and c.name = '7A' order by s.roll_no limit 2`);
    for (const kid of kids) {
      const r = await post('/scan/api/scan', { initData: initDataFor(4001), text: `https://t.me/sis_test_bot?start=${signCard(app.deps.cardSecret, { studentId: Number(kid.id), version: 1 })}` });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ ok: true, kind: 'arrival' });
      expect(r.body.text).toContain(t('km', 'qr-scan-arrived', { name: kid.name_km, class: '7A', time: '០៧:០៥' }));
    }
    await deliver();
    const parent = app.user(4002);
    expect(app.tg.calls.filter((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === parent.id && c.payload.text === t('km', 'qr-scan-notice-arrived', { name: kids[0]!.name_km, time: '០៧:០៥' }))).toHaveLength(1);
    const [row] = await app.database.rows<{ arrived_via: string }>(sql`select arrived_via from checkins where student_id = ${Number(kids[0]!.id)}`);
    expect(row!.arrived_via).toBe('miniapp');
  });

  it('refuses bad initData, parents and junk codes: nothing recorded, denials audited', async () => {
    const before = await checkinCount();
    const card = `https://t.me/sis_test_bot?start=${signCard(app.deps.cardSecret, { studentId: 40, version: 1 })}`;

    const forged = await post('/scan/api/scan', { initData: initDataFor(4001).replace('G', 'H'), text: card });
    expect(forged).toEqual({ status: 401, body: { error: 'bad-init-data', text: t('km', 'qr-scan-app-denied') } });
    const none = await post('/scan/api/scan', { text: card });
    expect(none.status).toBe(401);
    const notJson = await fetch(`${base}/scan/api/scan`, { method: 'POST', body: 'x'.repeat(20_000) });
    expect(notJson.status).toBe(400);

    const parent = await post('/scan/api/scan', { initData: initDataFor(4002), text: card });
    expect(parent).toEqual({ status: 403, body: { error: 'not-scanner', text: t('km', 'qr-scan-app-denied') } });

    const junk = await post('/scan/api/scan', { initData: initDataFor(4001), text: 'https://example.com/not-a-card' });
    expect(junk.body).toEqual({ ok: false, text: t('km', 'qr-scan-denied-malformed') });

    expect(await checkinCount()).toBe(before);
    const audited = await app.database.rows<{ reason: string }>(sql`select details->>'reason' as reason from audit_log where outcome = 'denied' and action in ('scan.miniapp', 'scan.record') order by id`);
    expect(audited.map((a) => a.reason)).toEqual(['bad-hash', 'missing', 'not-scanner', 'malformed']);
  });
});
