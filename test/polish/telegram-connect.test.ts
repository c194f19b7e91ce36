/**
 * Issue 12, for newcomers: `npm start` against a Bot API it cannot reach, or one that refuses the
 * token, says which of the two it is and keeps trying; once Telegram answers, the bot starts.
 * Driven through the app's own bot (buildBot, as main.ts does) against real local sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { connectToTelegram } from '../../src/core/telegram/connect.js';
import { createBot } from '../../src/core/telegram/bot.js';
import { CAPABILITIES, createAppDeps } from '../../src/app.js';
import { createLogger } from '../../src/core/logger.js';
import { BOT_INFO } from '../support/telegram.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const TOKEN = '123456:WRONG-TOKEN-abcdefghij';
const servers: Server[] = [];
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await database?.drop();
});

function captured() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({ write: (chunk, _e, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  return { log: pino({ level: 'info' }, stream), lines };
}

function appBot(apiRoot: string) {
  const deps = createAppDeps({
    jobs: { add: async () => {} },
    database,
    log: createLogger('silent'),
    defaultLocale: 'km',
    botUsername: BOT_INFO.username,
    kickOutbox: () => {},
  });
  return createBot({ token: TOKEN, apiRoot, deps, capabilities: CAPABILITIES });
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe('reaching Telegram at start-up', () => {
  it('a closed port: "cannot be reached", again and again, until it answers', async () => {
    // A port nothing listens on: take one, then close it.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const apiRoot = `http://127.0.0.1:${port}`;
    const { log, lines } = captured();
    let waits = 0;
    let served: Server | undefined;
    await connectToTelegram(appBot(apiRoot), log, {
      apiRoot,
      attemptTimeoutMs: 1500,
      sleep: async () => {
        // After three failures Telegram comes back on that port.
        if (++waits === 3) {
          served = createServer((_req, res) => res.end(JSON.stringify({ ok: true, result: BOT_INFO })));
          servers.push(served);
          await new Promise<void>((r) => served!.listen(port, '127.0.0.1', r));
        }
      },
    });
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(3);
    for (const e of errors) expect(e.msg).toContain(`Telegram cannot be reached at ${apiRoot}`);
    expect(lines.at(-1)!.msg).toBe('Telegram reached');
    expect(JSON.stringify(lines)).not.toContain('WRONG-TOKEN');
  });

  it('a refused token: "refuses the bot token", and it keeps trying', async () => {
    let calls = 0;
    const apiRoot = await listen((_req, res) => {
      calls++;
      res.statusCode = 401;
      res.end(JSON.stringify(calls < 3 ? { ok: false, error_code: 401, description: 'Unauthorized' } : { ok: true, result: BOT_INFO }));
    });
    const { log, lines } = captured();
    await connectToTelegram(appBot(apiRoot), log, { apiRoot, sleep: async () => {} });
    const errors = lines.filter((l) => l.level === 50);
    expect(errors.map((e) => e.msg)).toEqual([expect.stringContaining('Telegram refuses the bot token: check BOT_TOKEN'), expect.stringContaining('Telegram refuses the bot token')]);
    expect(errors[0]!.status).toBe(401);
    expect(calls).toBe(3);
    expect(JSON.stringify(lines)).not.toContain('WRONG-TOKEN');
  });
});
