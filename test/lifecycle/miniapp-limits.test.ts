/**
 * Mini App limits (issue 11, case 11): a flood of junk requests is cut off before it reaches the
 * database (no audit row per request), and initData older than an hour (configurable) is refused,
 * so a copied one cannot be replayed for a day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { sql } from 'drizzle-orm';
import { createHttpServer } from '../../src/core/telegram/webhook.js';
import { miniAppRoutes, signInitData } from '../../src/qr/miniapp.js';
import { loadConfigWithoutBot } from '../../src/config.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadDemoSchool } from '../support/fixtures.js';

const TOKEN = '123456:TEST-TOKEN-abcdefghij';
const now = new Date('2026-11-23T00:05:00Z');
const at = Math.floor(now.getTime() / 1000);
let app: TestApp;
let server: Server;
let base: string;

const hello = async (initData: string) => (await fetch(`${base}/scan/api/hello`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ initData }) })).status;
const audits = async () => Number((await app.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'scan.miniapp'`))[0]!.n);

beforeAll(async () => {
  app = await createTestApp({ now: () => now });
  await loadDemoSchool(app.database.db);
  await app.user(4101, 'Gate').shareContact('016 373 035'); // the operator may scan
  server = createHttpServer(miniAppRoutes(app.deps, TOKEN, '/scan', { maxRequests: 20, windowMs: 60_000 }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await app?.close();
});

describe('the Mini App', () => {
  it('refuses initData older than an hour, accepts a fresh one', async () => {
    const signed = (age: number) => signInitData({ auth_date: String(at - age), query_id: 'AAH', user: JSON.stringify({ id: 4101, first_name: 'G' }) }, TOKEN);
    expect(await hello(signed(60))).toBe(200);
    expect(await hello(signed(2 * 3600))).toBe(401);
    expect(loadConfigWithoutBot({}).WEBAPP_INITDATA_MAX_AGE_SECONDS).toBe(3600);
    expect(loadConfigWithoutBot({ WEBAPP_INITDATA_MAX_AGE_SECONDS: '900' }).WEBAPP_INITDATA_MAX_AGE_SECONDS).toBe(900);
  });

  it('answers a flood with 429 and writes no audit row per junk request', async () => {
    const before = await audits();
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) statuses.push(await hello(`junk-${i}`));
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(280);
    expect((await audits()) - before).toBeLessThanOrEqual(20);
  });
});
