import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, guardians, staff, telegramAccounts } from '../../src/core/db/schema.js';
import { createInvite } from '../../src/onboarding/invites.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadDemoSchool } from '../support/fixtures.js';

let app: TestApp;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);

beforeAll(async () => {
  app = await createTestApp();
  await loadDemoSchool(app.database.db);
});
afterAll(async () => {
  await app?.close();
});

describe('a parent', () => {
  it('is greeted in Khmer, switches to English, shares a phone written another way and is linked to all three children', async () => {
    const parent = app.user(5001, 'Srey');
    await parent.send('/start');
    const first = parent.inbox();
    expect(first.map((m) => m.text)).toEqual([t('km', 'onboarding-greeting'), t('km', 'onboarding-share-prompt')]);
    expect(first[1]!.replyMarkup.keyboard[0][0]).toEqual({ text: t('km', 'onboarding-share-button'), request_contact: true });

    await parent.press('English');
    const afterLang = parent.inbox();
    expect(afterLang.map((m) => m.text)).toEqual([
      t('en', 'language-set'),
      t('en', 'onboarding-greeting'),
      t('en', 'onboarding-share-prompt'),
    ]);
    expect(afterLang[1]!.method).toBe('editMessageText');
    const [account] = await app.database.db.select().from(telegramAccounts).where(eq(telegramAccounts.telegramUserId, 5001));
    expect(account!.locale).toBe('en');

    // The roster says "012 283 151"; Telegram sends it as international digits.
    await parent.shareContact('85512283151');
    const linked = parent.inbox();
    expect(linked[0]!.text).toBe(t('en', 'onboarding-linked'));
    const who = linked.find((m) => m.text.startsWith(t('en', 'whoami-title')))!;
    expect(who.text).toContain('Chhim Sopheak');
    expect(who.text).toContain('Chan Leakhena');
    expect(who.text).toContain('Um Samnang');
    expect(who.text).toContain('class 7B');

    // The command list for this chat, in English, without staff commands.
    const commands = app.tg.callsOf('setMyCommands').filter((c) => c.payload.scope.chat_id === 5001).at(-1)!;
    const names = commands.payload.commands.map((c: { command: string }) => c.command);
    expect(names).toContain('whoami');
    expect(names).toContain('unlink');
    expect(names).not.toContain('invite');
    expect(commands.payload.commands.find((c: { command: string }) => c.command === 'help').description).toBe(t('en', 'cmd-help'));
  });

  it('refuses a contact that is not the sender\'s own, and links nothing', async () => {
    const other = app.user(5002, 'Other');
    await other.send('/start');
    other.inbox();
    await other.shareContact('098 924 013', 777);
    expect(other.texts()).toEqual([t('km', 'onboarding-not-own-contact')]);
    const linked = await app.database.db.select().from(guardians).where(eq(guardians.telegramUserId, 5002));
    expect(linked).toHaveLength(0);
    const denied = await app.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actor, 'tg:5002'), eq(auditLog.outcome, 'denied')));
    expect(denied.map((d) => d.action)).toEqual(['link.phone']);
  });

  it('whose phone is not on the roster is told what to do and can type an invite code', async () => {
    const parent = app.user(5003, 'New');
    await parent.send('/start');
    parent.inbox();
    await parent.shareContact('+855 77 123 456');
    const reply = parent.inbox();
    expect(reply.map((m) => m.text)).toEqual([t('km', 'onboarding-not-found')]);

    const [student] = await app.database.rows<{ id: number }>(
      (await import('drizzle-orm')).sql`select id from students where student_code = 'DEMO-001-S00002'`,
    );
    const invite = await createInvite(app.database.db, { schoolId: 1, kind: 'parent', studentId: Number(student!.id), createdBy: 'cli' });
    await parent.press(t('km', 'menu-code'));
    expect(parent.texts()).toEqual([t('km', 'invite-ask-code')]);
    await parent.send('iNOT-A-REAL-CODE-00000000');
    expect(parent.texts()).toEqual([t('km', 'invite-invalid'), t('km', 'invite-try-again')]);
    await parent.send(invite.code);
    expect(parent.texts()).toEqual([t('km', 'invite-ok-parent')]);
    await parent.send('/whoami');
    expect(parent.texts()[0]).toContain('គឹម ដារ៉ា');
  });
});
