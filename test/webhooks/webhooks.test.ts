/**
 * Webhooks as a ministry system uses them: the administrator subscribes a receiver on this
 * machine (refused without WEBHOOKS_ALLOW_PRIVATE, refused when not https or pointing at a
 * private address), a teacher submits through the bot and the receiver gets a correctly signed
 * attendance.submitted (and school.adopted) within seconds; the receiver goes down, the next
 * event is retried with backoff (short in this test) and arrives once it is back; a receiver that
 * keeps failing is disabled and the token's owner told on Telegram; the CLI shows the log.
 * Secrets are stored sealed: a row from before sealing still delivers and is sealed by it (or by
 * `webhook seal`), and one sealed under another key fails its attempt with the reason logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { sql } from 'drizzle-orm';
import { runCli } from '../../src/cli/main.js';
import { loadConfigWithoutBot } from '../../src/config.js';
import { SealedTextError } from '../../src/core/sealed-text.js';
import { startQueueWorker, type ScheduledWorker } from '../../src/core/queue/scheduled.js';
import type { WorkerPart } from '../../src/core/capability.js';
import { issueToken } from '../../src/api/tokens.js';
import { pruneDeliveryLog, relayDeliveries, webhookQueue } from '../../src/webhooks/jobs.js';
import { emitEvent } from '../../src/webhooks/events.js';
import { webhooksCapability } from '../../src/webhooks/index.js';
import { webhooks } from '../../src/webhooks/schema.js';
import { recordsKey } from '../../src/records/key.js';
import { verifySignature } from '../../src/webhooks/sign.js';
import { SECRET_UNOPENED_ERROR } from '../../src/webhooks/deliver.js';
import { openWebhookSecret, sealWebhookSecret, webhookSecretKey } from '../../src/webhooks/secret.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery, type TestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

// Monday 23 November 2026, 13:10 in Phnom Penh: class 1A (afternoon) is in session.
const now = new Date('2026-11-23T06:10:00Z');
let app: TestApp;
let env: Record<string, string>;
let redis: Redis;
let worker: ScheduledWorker<unknown>;
let relay: WorkerPart;
let delivery: TestDelivery;
let teacher: TestUser;
let operator: TestUser;
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver as a ministry system would write one: it answers `status` and keeps what came. */
function receiver(status = 200) {
  const got: Received[] = [];
  let server: Server | null = null;
  let port = 0;
  const start = () =>
    new Promise<void>((resolve) => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
          res.writeHead(status).end();
        });
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  return {
    got,
    start,
    url: () => `http://127.0.0.1:${port}/sis-events`,
    stop: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}

async function cli(extraEnv: Record<string, string>, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { ...env, ...extraEnv }, { line: (s = '') => out.push(s), error: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function until<T>(what: string, f: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What a receiver does, written out here independently of src/webhooks/sign.ts. */
function signedCorrectly(secret: string, r: Received): boolean {
  const ts = String(r.headers['x-sis-timestamp']);
  const expected = `sha256=${createHmac('sha256', secret).update(`${ts}.${r.body}`).digest('hex')}`;
  return r.headers['x-sis-signature'] === expected && Math.abs(Date.now() / 1000 - Number(ts)) < 300;
}

// the deployment's RECORDS_KEY, as the CLI and the worker both have it
const RECORDS_KEY = randomBytes(32).toString('base64');
const secretKey = webhookSecretKey({ RECORDS_KEY, BOT_TOKEN: '0:unused-when-records-key-is-set' });
/** what the worker logged (JSON lines) */
const logs: string[] = [];

const ok = receiver(200);
const broken = receiver(500);
let secret = '';
let tokenId = 0;

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  const [row] = await app.database.rows<{ db: string }>(sql`select current_database() as db`);
  const url = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${row!.db}`;
  env = { DATABASE_URL: url.toString(), BOT_USERNAME: 'sis_demo_bot', LOG_LEVEL: 'silent', RECORDS_KEY };
  teacher = app.user(2001, 'Maly');
  await teacher.shareContact('016 005 138');
  operator = app.user(2201, 'Op');
  await operator.shareContact('016 373 035');
  teacher.inbox();
  operator.inbox();
  tokenId = (await issueToken(app.database.db, { name: 'ministry', scope: { kind: 'school', code: 'DEMO-001' }, level: 'aggregate' }, 'cli')).id;
  await ok.start();
  await broken.start();

  // The worker's side: the webhook queue and its relay, with retries in 200 ms steps.
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const config = loadConfigWithoutBot({ WEBHOOKS_ALLOW_PRIVATE: '1', WEBHOOKS_RETRY_BASE_MS: '200', WEBHOOKS_DISABLE_AFTER: '3', WEBHOOKS_TIMEOUT_MS: '2000', RECORDS_KEY });
  const log = pino({ level: 'info', base: undefined }, { write: (line: string) => void logs.push(line) });
  const ctx = { database: app.database, connection: redis, prefix: `test-wh-${randomBytes(4).toString('hex')}`, log, notifier: app.notifier, now: () => new Date(), config };
  worker = (await startQueueWorker(webhookQueue, ctx)) as ScheduledWorker<unknown>;
  relay = await webhooksCapability.worker!(ctx);
  delivery = startTestDelivery(app);
});

afterAll(async () => {
  await relay?.close?.();
  await worker?.close();
  await delivery?.stop();
  await ok.stop();
  await broken.stop();
  await redis?.quit();
  await app?.close();
});

describe('webhooks', () => {
  it('refuses a local receiver unless WEBHOOKS_ALLOW_PRIVATE=1, http to a public address, private addresses and unknown events', async () => {
    const add = (flag: Record<string, string>, u: string, events = 'attendance.submitted') => cli(flag, 'webhook', 'add', '--token', String(tokenId), '--url', u, '--events', events);
    expect(await add({}, ok.url())).toMatchObject({ code: 1, err: '127.0.0.1 is a private or loopback address; webhooks go to public addresses only' });
    expect((await add({}, 'https://10.1.2.3/hook')).err).toContain('10.1.2.3 is a private or loopback address');
    expect((await add({}, 'https://[::1]/hook')).err).toContain('private or loopback');
    expect((await add({}, 'https://192.168.1.20/hook')).err).toContain('private or loopback');
    expect((await add({}, 'http://93.184.215.14/hook')).err).toBe('the URL must start with https://');
    expect((await add({}, 'not a url')).err).toBe('"not a url" is not a URL');
    expect((await add({ WEBHOOKS_ALLOW_PRIVATE: '1' }, ok.url(), 'attendance.submitted,lunch.served')).err).toContain('unknown event lunch.served');
    expect((await cli({}, 'webhook', 'add', '--token', '999', '--url', 'https://93.184.215.14/', '--events', 'school.adopted')).err).toBe('no API token 999 (api-token list)');
    // without RECORDS_KEY or the real BOT_TOKEN the CLI would seal under a key the worker does not have
    const keyless = await add({ WEBHOOKS_ALLOW_PRIVATE: '1', RECORDS_KEY: '' }, ok.url());
    expect(keyless.code).toBe(2);
    expect(keyless.err).toContain('set RECORDS_KEY (recommended) or BOT_TOKEN exactly as the worker has them');
    const [n] = await app.database.rows<{ n: number }>(sql`select count(*)::int as n from webhooks`);
    expect(n!.n).toBe(0);
  });

  it("a teacher's submit through the bot reaches the receiver signed, within seconds; school.adopted with the school's first list", async () => {
    const added = await cli({ WEBHOOKS_ALLOW_PRIVATE: '1' }, 'webhook', 'add', '--token', String(tokenId), '--url', ok.url(), '--events', 'attendance.submitted,school.adopted');
    expect(added.code).toBe(0);
    secret = added.out.split('\n').at(-1)!;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    // stored sealed: a dump of the table does not give the secret away; the worker's key opens it
    const [stored] = await app.database.rows<{ id: number; secret: string }>(sql`select id, secret from webhooks order by id limit 1`);
    expect(stored!.secret).toMatch(/^v1:[A-Za-z0-9+/]+=*$/);
    expect(stored!.secret).not.toContain(secret.slice('whsec_'.length, 20));
    expect(Buffer.from(stored!.secret.slice(3), 'base64').includes(Buffer.from(secret))).toBe(false);
    expect(openWebhookSecret(secretKey, Number(stored!.id), stored!.secret)).toEqual({ secret, legacy: false });
    // a key of its own, derived from RECORDS_KEY: not the key that seals the records' signing keys
    expect(secretKey.equals(recordsKey({ RECORDS_KEY, BOT_TOKEN: '0:unused-when-records-key-is-set' }))).toBe(false);
    expect(() => openWebhookSecret(recordsKey({ RECORDS_KEY, BOT_TOKEN: '0:unused-when-records-key-is-set' }), Number(stored!.id), stored!.secret)).toThrow(SealedTextError);
    // another token's webhook, of another school: hears nothing of DEMO-001
    const other = await issueToken(app.database.db, { name: 'elsewhere', scope: { kind: 'province', code: '17' }, level: 'aggregate' }, 'cli');
    expect((await cli({ WEBHOOKS_ALLOW_PRIVATE: '1' }, 'webhook', 'add', '--token', String(other.id), '--url', broken.url(), '--events', 'attendance.submitted')).code).toBe(0);

    await teacher.send('/attendance');
    await teacher.press('3. ✅');
    await teacher.press(t('attendance-sheet-submit'));
    await teacher.press(t('attendance-sheet-confirm-yes'));
    const submittedAt = Date.now();
    const first = await until('attendance.submitted', () => ok.got.find((r) => r.headers['x-sis-event'] === 'attendance.submitted'));
    const seconds = (Date.now() - submittedAt) / 1000;
    expect(seconds).toBeLessThan(10);
    expect(signedCorrectly(secret, first)).toBe(true);
    expect(verifySignature(secret, { timestamp: first.headers['x-sis-timestamp'] as string, signature: first.headers['x-sis-signature'] as string }, first.body)).toBe(true);
    expect(verifySignature(secret, { timestamp: first.headers['x-sis-timestamp'] as string, signature: first.headers['x-sis-signature'] as string }, first.body.replace('1A', '1B'))).toBe(false);
    expect(verifySignature('whsec_wrong', { timestamp: first.headers['x-sis-timestamp'] as string, signature: first.headers['x-sis-signature'] as string }, first.body)).toBe(false);
    const body = JSON.parse(first.body);
    expect(body).toMatchObject({ event: 'attendance.submitted', school: { code: 'DEMO-001' }, data: { class: '1A', day: '2026-11-23', shift: 'afternoon', version: 1 } });
    expect(first.headers['content-type']).toBe('application/json');
    // no names or phones in a payload
    expect(first.body).not.toMatch(/\d{8,}/);
    const adopted = await until('school.adopted', () => ok.got.find((r) => r.headers['x-sis-event'] === 'school.adopted'));
    expect(signedCorrectly(secret, adopted)).toBe(true);
    expect(JSON.parse(adopted.body)).toMatchObject({ event: 'school.adopted', school: { code: 'DEMO-001' }, data: { day: '2026-11-23' } });
    expect(broken.got).toHaveLength(0);
  });

  it('the receiver is down: the next event is retried with backoff and arrives, signed, once it is back', async () => {
    await ok.stop();
    const before = ok.got.length;
    await teacher.send('/attendance');
    await teacher.press('3. ❌');
    await teacher.press(t('attendance-sheet-submit'));
    await teacher.press(t('attendance-sheet-confirm-yes'));
    // attempts fail while it is down, and the log says why
    const failing = await until('two failed attempts', async () => {
      const [d] = await app.database.rows<{ attempts: number; last_error: string; status: string }>(sql`select attempts, last_error, status from webhook_deliveries where event_key like 'attendance.submitted:%:2' and body like '%DEMO-001%' and webhook_id = (select min(id) from webhooks)`);
      return d && Number(d.attempts) >= 2 ? d : undefined;
    });
    expect(failing).toMatchObject({ status: 'pending', last_error: 'ECONNREFUSED' });
    const log = await cli({}, 'webhook', 'deliveries', '--id', '1');
    expect(log.out).toMatch(/attendance\.submitted\tpending\tattempts [2-9]\tcode -\tECONNREFUSED/);
    expect(log.out).toMatch(/attendance\.submitted\tdelivered\tattempts 1\tcode 200/);
    await ok.start();
    const again = await until('the retried delivery', () => ok.got.slice(before).find((r) => r.headers['x-sis-event'] === 'attendance.submitted'));
    expect(signedCorrectly(secret, again)).toBe(true);
    expect(JSON.parse(again.body)).toMatchObject({ data: { class: '1A', version: 2 } });
    // the receiver has answered; the worker writes the outcome right after
    const d = await until('the log says delivered', async () => {
      const [row] = await app.database.rows<{ attempts: number; status: string; response_code: number }>(sql`select attempts, status, response_code from webhook_deliveries where event_key like 'attendance.submitted:%:2' and webhook_id = 1`);
      return row?.status === 'delivered' ? row : undefined;
    });
    expect(d).toMatchObject({ status: 'delivered', response_code: 200 });
    expect(Number(d!.attempts)).toBeGreaterThan(2);
  });

  it('a receiver that keeps failing is disabled after repeated failures and the owner is told; the CLI shows it', async () => {
    expect((await cli({}, 'webhook', 'owner', '--token', String(tokenId), '--phone', '099 999 999')).err).toContain('nobody linked on Telegram has that phone');
    expect((await cli({}, 'webhook', 'owner', '--token', String(tokenId), '--phone', '016 373 035')).code).toBe(0);
    const added = await cli({ WEBHOOKS_ALLOW_PRIVATE: '1' }, 'webhook', 'add', '--token', String(tokenId), '--url', broken.url(), '--events', 'attendance.submitted');
    const id = Number(/Webhook (\d+)/.exec(added.out)![1]);
    await teacher.send('/attendance');
    await teacher.press('3. ⏰');
    await teacher.press(t('attendance-sheet-submit'));
    await teacher.press(t('attendance-sheet-confirm-yes'));
    await until('the webhook disabled', async () => {
      const [w] = await app.database.rows<{ active: boolean }>(sql`select active from webhooks where id = ${id}`);
      return w && !w.active ? true : undefined;
    });
    expect(broken.got.length).toBe(3);
    await delivery.deliver();
    const told = operator.inbox().filter((m) => m.method === 'sendMessage');
    expect(told.map((m) => m.text)).toEqual([t('webhooks-disabled', { id: '៣', host: new URL(broken.url()).host, failures: '៣', command: `webhook enable --id ${id}` })]);
    const list = await cli({}, 'webhook', 'list');
    expect(list.out).toContain(`${id}\ttoken ${tokenId}\t${broken.url()}\tattendance.submitted\tDISABLED`);
    expect(list.out).toContain('3 failed attempts in a row; owner told on Telegram');
    // nothing more is tried while disabled; removing it cancels what waits
    await new Promise((r) => setTimeout(r, 700));
    expect(broken.got.length).toBe(3);
    expect((await cli({}, 'webhook', 'remove', '--id', String(id))).code).toBe(0);
    const [p] = await app.database.rows<{ n: number }>(sql`select count(*)::int as n from webhook_deliveries where webhook_id = ${id} and status = 'pending'`);
    expect(p!.n).toBe(0);
    expect((await cli({}, 'webhook', 'list')).out).not.toContain(`${id}\ttoken`);
  });

  let legacyTokenId = 0;
  let legacyHookId = 0;
  const legacyReceiver = receiver(200);
  const legacyPlaintext = 'whsec_storedBeforeSecretsWereSealed_000000000000000';
  const records = (key: string) =>
    app.database.rows<{ id: number }>(sql`select id from schools where code = 'DEMO-001'`).then(([school]) =>
      app.database.db.transaction((tx) => emitEvent(tx, { event: 'records.signed', schoolId: school!.id, key, data: { term: 's1', records: 3 } })),
    );
  const storedSecret = async (id: number) => (await app.database.rows<{ secret: string }>(sql`select secret from webhooks where id = ${id}`))[0]!.secret;

  it('a secret stored in plaintext before sealing still signs its delivery, and that delivery seals it in place', async () => {
    await legacyReceiver.start();
    legacyTokenId = (await issueToken(app.database.db, { name: 'legacy', scope: { kind: 'school', code: 'DEMO-001' }, level: 'aggregate' }, 'cli')).id;
    // a row as the release before this one wrote it
    const [row] = await app.database.db.insert(webhooks).values({ tokenId: legacyTokenId, url: legacyReceiver.url(), events: ['records.signed'], secret: legacyPlaintext }).returning({ id: webhooks.id });
    legacyHookId = row!.id;
    const listed = (await cli({}, 'webhook', 'list', '--token', String(legacyTokenId))).out;
    expect(listed.startsWith(`${legacyHookId}\ttoken ${legacyTokenId}\t`)).toBe(true);
    expect(listed.endsWith('\tsecret in plaintext (webhook seal)')).toBe(true);

    await records('records.signed:legacy-1');
    const got = await until('the legacy webhook delivery', () => legacyReceiver.got.find((r) => JSON.parse(r.body).id === 'records.signed:legacy-1'));
    expect(signedCorrectly(legacyPlaintext, got)).toBe(true);
    const sealed = await until('the legacy secret sealed', async () => ((await storedSecret(legacyHookId)).startsWith('v1:') ? storedSecret(legacyHookId) : undefined));
    expect(sealed).not.toContain(legacyPlaintext.slice(6, 20));
    expect(openWebhookSecret(secretKey, legacyHookId, sealed)).toEqual({ secret: legacyPlaintext, legacy: false });
    expect((await cli({}, 'webhook', 'list', '--token', String(legacyTokenId))).out).not.toContain('plaintext');
    const [audited] = await app.database.rows<{ actor: string }>(sql`select actor from audit_log where action = 'webhook.secret.seal' and entity_id = ${String(legacyHookId)}`);
    expect(audited).toEqual({ actor: 'webhooks' });
    // sealed now, it goes on signing with the same secret the receiver has
    await records('records.signed:legacy-2');
    expect(signedCorrectly(legacyPlaintext, await until('the next delivery', () => legacyReceiver.got.find((r) => JSON.parse(r.body).id === 'records.signed:legacy-2')))).toBe(true);
    expect(await storedSecret(legacyHookId)).toBe(sealed);
  });

  it('a secret sealed under another key fails its attempt with the reason logged and recorded (no secret anywhere); the worker goes on', async () => {
    const foreignReceiver = receiver(200);
    await foreignReceiver.start();
    const otherKey = webhookSecretKey({ RECORDS_KEY: randomBytes(32).toString('base64'), BOT_TOKEN: '0:unused-when-records-key-is-set' });
    const foreignPlaintext = 'whsec_sealedUnderAnotherDeploymentsKey_0000000000000';
    const [row] = await app.database.db.insert(webhooks).values({ tokenId: legacyTokenId, url: foreignReceiver.url(), events: ['records.signed'], secret: 'placeholder' }).returning({ id: webhooks.id });
    const id = row!.id;
    const foreignSealed = sealWebhookSecret(otherKey, id, foreignPlaintext);
    await app.database.db.execute(sql`update webhooks set secret = ${foreignSealed} where id = ${id}`);
    // and a sealed secret copied onto another row does not open there either
    expect(() => openWebhookSecret(secretKey, legacyHookId, foreignSealed)).toThrow(SealedTextError);
    expect(() => openWebhookSecret(otherKey, legacyHookId, foreignSealed)).toThrow(SealedTextError);

    const logged = logs.length;
    await records('records.signed:foreign');
    const failed = await until('the failed attempt', async () => {
      const [d] = await app.database.rows<{ attempts: number; status: string; last_error: string | null; response_code: number | null }>(
        sql`select attempts, status, last_error, response_code from webhook_deliveries where webhook_id = ${id} and event_key = 'records.signed:foreign'`,
      );
      return d && Number(d.attempts) >= 1 ? d : undefined;
    });
    expect(failed).toMatchObject({ status: 'pending', last_error: SECRET_UNOPENED_ERROR, response_code: null });
    expect(foreignReceiver.got).toHaveLength(0);
    const [w] = await app.database.rows<{ consecutive_failures: number; secret: string }>(sql`select consecutive_failures, secret from webhooks where id = ${id}`);
    expect(Number(w!.consecutive_failures)).toBeGreaterThanOrEqual(1);
    // left as it was: not "sealed again" as if it were plaintext
    expect(w!.secret).toBe(foreignSealed);
    const lines = logs.slice(logged);
    expect(lines.map((l) => JSON.parse(l)).find((l) => l.reason === 'secret-unopened')).toMatchObject({ webhook: id, level: 40 });
    for (const l of lines) {
      expect(l).not.toContain(foreignPlaintext);
      expect(l).not.toContain(foreignSealed.slice(3, 30));
    }
    // the same event reached the other webhook, signed: the worker did not stop
    expect(signedCorrectly(legacyPlaintext, await until('the legacy webhook got it', () => legacyReceiver.got.find((r) => JSON.parse(r.body).id === 'records.signed:foreign')))).toBe(true);
    for (const hook of [id, legacyHookId]) expect((await cli({}, 'webhook', 'remove', '--id', String(hook))).code).toBe(0);
    await foreignReceiver.stop();
    await legacyReceiver.stop();
  });

  it('`webhook seal` seals every secret still in plaintext, removed webhooks too, and says how many; it needs the key', async () => {
    const plain = ['whsec_legacyActive_000000000000000000000000000000000', 'whsec_legacyRemoved_00000000000000000000000000000000'];
    const rows = await app.database.db
      .insert(webhooks)
      .values([
        { tokenId: legacyTokenId, url: 'http://10.9.9.9/a', events: ['school.adopted'], secret: plain[0]! },
        { tokenId: legacyTokenId, url: 'http://10.9.9.9/b', events: ['school.adopted'], secret: plain[1]!, active: false, removedAt: new Date() },
      ])
      .returning({ id: webhooks.id });
    const keyless = await cli({ RECORDS_KEY: '' }, 'webhook', 'seal');
    expect(keyless.code).toBe(2);
    expect(keyless.err).toContain('set RECORDS_KEY (recommended) or BOT_TOKEN');
    expect(await storedSecret(rows[0]!.id)).toBe(plain[0]);
    expect(await cli({}, 'webhook', 'seal')).toMatchObject({ code: 0, out: 'Sealed 2 webhook secrets.' });
    for (const [i, r] of rows.entries()) expect(openWebhookSecret(secretKey, r.id, await storedSecret(r.id))).toEqual({ secret: plain[i], legacy: false });
    const [left] = await app.database.rows<{ n: number }>(sql`select count(*)::int as n from webhooks where not starts_with(secret, 'v1:')`);
    expect(left!.n).toBe(0);
    expect(await cli({}, 'webhook', 'seal')).toMatchObject({ code: 0, out: 'No webhook secret in plaintext: nothing to seal.' });
    expect((await cli({}, 'webhook', 'remove', '--id', String(rows[0]!.id))).code).toBe(0);
  });

  it('Redis lost a job: the delivery, kept in Postgres, is handed to the queue again a minute after it was due; other scopes hear nothing', async () => {
    const province = await issueToken(app.database.db, { name: 'kc', scope: { kind: 'province', code: '17' }, level: 'aggregate' }, 'cli');
    const nation = await issueToken(app.database.db, { name: 'all', scope: { kind: 'nation' }, level: 'aggregate' }, 'cli');
    for (const tok of [province, nation]) {
      expect((await cli({ WEBHOOKS_ALLOW_PRIVATE: '1' }, 'webhook', 'add', '--token', String(tok.id), '--url', 'http://10.9.9.9/x', '--events', 'records.signed')).code).toBe(0);
    }
    // the relay in the worker is stopped, so this test hands deliveries over itself
    await relay.close!();
    const [school] = await app.database.rows<{ id: number }>(sql`select id from schools where code = 'DEMO-001'`);
    await app.database.db.transaction((tx) => emitEvent(tx, { event: 'records.signed', schoolId: school!.id, key: 'records.signed:test', data: { term: 's1', records: 3 } }));
    const rows = await app.database.rows<{ id: number; token_id: number }>(sql`select d.id, w.token_id from webhook_deliveries d join webhooks w on w.id = d.webhook_id where d.event_key = 'records.signed:test'`);
    // DEMO-001 is not in province 17: only the national token's webhook has a delivery
    expect(rows.map((r) => Number(r.token_id))).toEqual([nation.id]);
    const handed: number[] = [];
    const queue = { addBulk: async (jobs: Array<{ data: { deliveryId: number } }>) => void handed.push(...jobs.map((j) => j.data.deliveryId)) };
    expect(await relayDeliveries(app.database, queue as never)).toBe(1);
    expect(await relayDeliveries(app.database, queue as never)).toBe(0);
    // …then Redis loses the job; a minute after it was due the row is handed over again
    await app.database.db.execute(sql`update webhook_deliveries set next_attempt_at = now() - interval '2 minutes', enqueued_at = now() - interval '2 minutes' where id = ${rows[0]!.id}`);
    expect(await relayDeliveries(app.database, queue as never)).toBe(1);
    expect(handed).toEqual([Number(rows[0]!.id), Number(rows[0]!.id)]);
  });

  it('the delivery log keeps WEBHOOKS_LOG_DAYS: finished deliveries older than that go, pending ones stay whatever their age', async () => {
    const [hook] = await app.database.rows<{ id: number }>(sql`select id from webhooks order by id limit 1`);
    const old = (key: string, status: string) =>
      app.database.db.execute(sql`insert into webhook_deliveries (webhook_id, event, event_key, body, status, created_at)
        values (${hook!.id}, 'attendance.submitted', ${key}, '{}', ${status}, now() - interval '100 days')`);
    await old('prune:delivered', 'delivered');
    await old('prune:failed', 'failed');
    await old('prune:pending', 'pending');
    expect(await pruneDeliveryLog(app.database, 90)).toBe(2);
    const left = await app.database.rows<{ event_key: string }>(sql`select event_key from webhook_deliveries where event_key like 'prune:%'`);
    expect(left.map((r) => r.event_key)).toEqual(['prune:pending']);
    // recent finished deliveries stay
    const [recent] = await app.database.rows<{ n: number }>(sql`select count(*)::int as n from webhook_deliveries where status <> 'pending' and created_at > now() - interval '1 day'`);
    expect(recent!.n).toBeGreaterThan(0);
    expect(await pruneDeliveryLog(app.database, 90)).toBe(0);
  });
});
