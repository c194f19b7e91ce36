/**
 * End to end through the real long-polling loop: the bot built as in production (every feature),
 * `run(bot)` from @grammyjs/runner, and the npm Bot API emulator `telegram-test-api` in between.
 * Users talk to the bot through the emulator and we read what the emulator delivered to them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { run, type RunnerHandle } from '@grammyjs/runner';
import { CAPABILITIES, createAppDeps, createNotifier } from '../../src/app.js';
import { schools, students, telegramAccounts } from '../../src/core/db/schema.js';
import { createLogger } from '../../src/core/logger.js';
import { createBot } from '../../src/core/telegram/bot.js';
import { createInvite } from '../../src/onboarding/invites.js';
import { EmulatedUser, holdEmptyPolls, startEmulator, type TelegramServer } from '../support/bot-api-emulator.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { loadDemoSchool } from '../support/fixtures.js';

const TOKEN = '123456:E2E-TOKEN-abcdefghij';
const notifier = createNotifier({ DEFAULT_LOCALE: 'km' });
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => notifier.t(locale, key, vars);

let database: TestDatabase | undefined;
let server: TelegramServer | undefined;
let runner: RunnerHandle | undefined;

async function student(code: string): Promise<{ id: number; schoolId: number; nameKm: string }> {
  const [row] = await database!.db
    .select({ id: students.id, schoolId: students.schoolId, nameKm: students.nameKm })
    .from(students)
    .innerJoin(schools, eq(schools.id, students.schoolId))
    .where(and(eq(schools.code, 'DEMO-001'), eq(students.studentCode, code)));
  if (!row) throw new Error(`no student ${code}`);
  return row;
}

const user = (id: number, firstName: string) => new EmulatedUser(server!, TOKEN, id, firstName);

beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemoSchool(database.db);
  server = await startEmulator();
  const bot = createBot({
    token: TOKEN,
    apiRoot: server.config.apiURL,
    deps: createAppDeps({ database, log: createLogger('silent'), defaultLocale: 'km', botUsername: 'sis_test_bot', kickOutbox: () => {} }),
    capabilities: CAPABILITIES,
  });
  holdEmptyPolls(bot);
  await bot.init(); // the emulator's getMe
  runner = run(bot);
});

afterAll(async () => {
  // Each step runs even if an earlier one failed, so the process can exit.
  const errors: unknown[] = [];
  const attempt = async (step: () => Promise<unknown> | undefined) => {
    try {
      await step();
    } catch (err) {
      errors.push(err);
    }
  };
  await attempt(async () => {
    if (!runner?.isRunning()) return;
    await Promise.race([
      runner.stop(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('runner did not stop within 5 s')), 5000).unref()),
    ]);
  });
  await attempt(() => server?.stop());
  await attempt(() => database?.drop());
  if (errors.length > 0) throw errors[0];
});

describe('the bot behind the Bot API emulator, long polling', () => {
  it('greets a new user in Khmer with the share prompt, and switches to English from the greeting\'s button', async () => {
    const u = user(700_001, 'Srey');
    await u.send('/start');
    const [greeting, prompt] = await u.next(2);
    expect(greeting!.text).toBe(t('km', 'onboarding-greeting'));
    const labels = (greeting!.replyMarkup.inline_keyboard as Array<Array<{ text: string }>>).flat().map((b) => b.text);
    expect(labels).toContain('English');
    expect(prompt!.text).toBe(t('km', 'onboarding-share-prompt'));
    expect(prompt!.replyMarkup.keyboard[0][0]).toEqual({ text: t('km', 'onboarding-share-button'), request_contact: true });

    await u.press('English');
    // The greeting is edited in place, and the share prompt comes again in English.
    await u.edited(greeting!.messageId, t('en', 'onboarding-greeting'));
    const [again] = await u.next(1);
    expect(again!.text).toBe(t('en', 'onboarding-share-prompt'));
    expect(again!.replyMarkup.keyboard[0][0]).toEqual({ text: t('en', 'onboarding-share-button'), request_contact: true });

    const [account] = await database!.db.select().from(telegramAccounts).where(eq(telegramAccounts.telegramUserId, 700_001));
    expect(account!.locale).toBe('en');
  });

  it('links a parent through a /start invite link, and /whoami then lists the child', async () => {
    const child = await student('DEMO-001-S00001');
    const { code } = await createInvite(database!.db, { schoolId: child.schoolId, kind: 'parent', studentId: child.id, createdBy: 'cli' });
    const u = user(700_002, 'Bora');
    await u.send(`/start ${code}`);
    const [ok, who, home] = await u.next(3);
    expect(ok!.text).toBe(t('km', 'onboarding-invite-ok-parent'));
    expect(who!.text).toContain(child.nameKm);
    expect(home!.text).toBe(t('km', 'onboarding-home-title'));

    await u.send('/whoami');
    const [whoami] = await u.next(1);
    expect(whoami!.text.startsWith(t('km', 'onboarding-whoami-title'))).toBe(true);
    expect(whoami!.text).toContain(child.nameKm);
  });

  it('links a parent who shares their phone number (a contact message through the emulator)', async () => {
    // The roster has this guardian as "085 299 411"; Telegram sends international digits.
    const child = await student('DEMO-001-S00004');
    const u = user(700_003, 'Sochea');
    await u.send('/start');
    await u.next(2);
    await u.shareContact('85585299411');
    const [linked, who] = await u.next(3);
    expect(linked!.text).toBe(t('km', 'onboarding-linked'));
    expect(linked!.replyMarkup).toEqual({ remove_keyboard: true });
    expect(who!.text).toContain(child.nameKm);
  });

  it('links a teacher through a staff invite once; the same code from someone else is refused as used', async () => {
    const { schoolId } = await student('DEMO-001-S00001');
    const { code } = await createInvite(database!.db, { schoolId, kind: 'teacher', createdBy: 'cli' });

    const teacher = user(700_004, 'Dara');
    await teacher.send(`/start ${code}`);
    const [ok] = await teacher.next(3);
    expect(ok!.text).toBe(t('km', 'onboarding-invite-ok-staff'));

    const other = user(700_005, 'Vichea');
    await other.send(`/start ${code}`);
    const replies = await other.next(3);
    expect(replies.map((m) => m.text)).toEqual([t('km', 'onboarding-invite-used'), t('km', 'onboarding-greeting'), t('km', 'onboarding-share-prompt')]);
  });
});
