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
      t('en', 'onboarding-language-set'),
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
    const who = linked.find((m) => m.text.startsWith(t('en', 'onboarding-whoami-title')))!;
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
    expect(commands.payload.commands.find((c: { command: string }) => c.command === 'help').description).toBe(t('en', 'onboarding-cmd-help'));
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
    await parent.press(t('km', 'onboarding-menu-code'));
    expect(parent.texts()).toEqual([t('km', 'onboarding-invite-ask-code')]);
    await parent.send('iNOT-A-REAL-CODE-00000000');
    expect(parent.texts()).toEqual([t('km', 'onboarding-invite-invalid'), t('km', 'onboarding-invite-try-again')]);
    await parent.send(invite.code);
    expect(parent.texts()).toEqual([t('km', 'onboarding-invite-ok-parent')]);
    await parent.send('/whoami');
    expect(parent.texts()[0]).toContain('គឹម ដារ៉ា');
  });
});

describe('staff', () => {
  it('a teacher is linked by staff phone, sees teacher commands, and may invite only parents of their own class', async () => {
    const teacher = app.user(6001, 'Maly');
    await teacher.send('/start');
    teacher.inbox();
    await teacher.shareContact('+855 16 005 138');
    const linked = teacher.texts();
    expect(linked[0]).toBe(t('km', 'onboarding-linked'));
    expect(linked.join('\n')).toContain(t('km', 'onboarding-whoami-homeroom', { classes: '1A' }));
    const commands = app.tg.callsOf('setMyCommands').filter((c) => c.payload.scope.chat_id === 6001).at(-1)!;
    expect(commands.payload.commands.map((c: { command: string }) => c.command)).toContain('invite');
    expect(commands.payload.commands.find((c: { command: string }) => c.command === 'invite').description).toBe(t('km', 'onboarding-cmd-invite'));

    // 1A student: allowed
    await teacher.send('/invite parent DEMO-001-S00004');
    const [created] = teacher.texts();
    expect(created).toMatch(/https:\/\/t\.me\/sis_test_bot\?start=i[A-Za-z0-9_-]{22}/);
    // 7A student (another teacher's class): denied and audited
    await teacher.send('/invite parent DEMO-001-S00094');
    expect(teacher.texts()).toEqual([t('km', 'onboarding-invite-denied-forbidden')]);
    // staff invites are for principals and operators
    await teacher.send('/invite teacher');
    expect(teacher.texts()).toEqual([t('km', 'onboarding-invite-denied-forbidden')]);
    const denied = await app.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actor, 'tg:6001'), eq(auditLog.action, 'invite.create'), eq(auditLog.outcome, 'denied')));
    expect(denied).toHaveLength(2);

    // The link the teacher got works once for a parent, not twice.
    const code = created!.match(/start=(i[A-Za-z0-9_-]{22})/)![1]!;
    const parent = app.user(6002, 'Parent');
    await parent.send(`/start ${code}`);
    expect(parent.texts()[0]).toBe(t('km', 'onboarding-invite-ok-parent'));
    const late = app.user(6003, 'Late');
    await late.send(`/start ${code}`);
    expect(late.texts()[0]).toBe(t('km', 'onboarding-invite-used'));
  });

  it('a parent may not use staff commands', async () => {
    const parent = app.user(6101, 'P');
    await parent.shareContact('086 915 326');
    parent.inbox();
    await parent.send('/invite teacher');
    expect(parent.texts()).toEqual([t('km', 'onboarding-invite-denied-forbidden')]);
  });

  it('a principal invites a new teacher who joins with the link; the code is single-use and forged or expired codes fail', async () => {
    const principal = app.user(6201, 'Sophea');
    await principal.shareContact('093 388 921');
    principal.inbox();
    await principal.send('/invite teacher');
    const code = principal.texts()[0]!.match(/start=(i[A-Za-z0-9_-]{22})/)![1]!;

    const newTeacher = app.user(6202, 'Dara', 'en');
    await newTeacher.send(`/start ${code}`);
    expect(newTeacher.texts()[0]).toBe(t('km', 'onboarding-invite-ok-staff'));
    const [row] = await app.database.db.select().from(staff).where(eq(staff.telegramUserId, 6202));
    expect(row!.nameKm).toBe('Dara');

    const forger = app.user(6203, 'F');
    await forger.send('/start iAAAAAAAAAAAAAAAAAAAAAA');
    expect(forger.texts()[0]).toBe(t('km', 'onboarding-invite-invalid'));
    await forger.send('/start ../../etc/passwd');
    expect(forger.texts()[0]).toBe(t('km', 'onboarding-invite-invalid'));

    const expired = await createInvite(app.database.db, { schoolId: 1, kind: 'teacher', createdBy: 'cli', ttlDays: 1 });
    await app.database.db.execute((await import('drizzle-orm')).sql`update invites set expires_at = now() - interval '1 minute' where id = ${expired.id}`);
    await forger.send(`/start ${expired.code}`);
    expect(forger.texts()[0]).toBe(t('km', 'onboarding-invite-expired'));
    expect(await app.database.db.select().from(staff).where(eq(staff.telegramUserId, 6203))).toHaveLength(0);
  });
});

describe('buttons and mistakes', () => {
  it('a forged unlink button for someone else\'s record changes nothing and is audited', async () => {
    const [victim] = await app.database.db.select().from(guardians).where(eq(guardians.telegramUserId, 5001));
    const attacker = app.user(7001, 'A');
    await attacker.pressData(`ulc:g:${victim!.id}`);
    expect(attacker.texts()).toEqual([t('km', 'onboarding-unlink-nothing')]);
    const [still] = await app.database.db.select().from(guardians).where(eq(guardians.id, victim!.id));
    expect(still!.telegramUserId).toBe(5001);
    const denied = await app.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actor, 'tg:7001'), eq(auditLog.action, 'unlink'), eq(auditLog.outcome, 'denied')));
    expect(denied).toHaveLength(1);
  });

  it('a forged unlink confirmation with a 12-digit id gets the normal refusal, audited', async () => {
    const attacker = app.user(7005, 'E');
    await attacker.pressData('ulc:s:123456789012');
    await attacker.pressData('ulc:g:123456789012');
    expect(attacker.texts()).toEqual([t('km', 'onboarding-unlink-nothing'), t('km', 'onboarding-unlink-nothing')]);
    const denied = await app.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actor, 'tg:7005'), eq(auditLog.action, 'unlink'), eq(auditLog.outcome, 'denied')));
    expect(denied).toHaveLength(2);
  });

  it('an unknown or stale button gets a clear answer', async () => {
    const u = app.user(7002, 'B');
    await u.pressData('lang/0/0/zzz/oldhash');
    await u.pressData('something-old');
    const answers = app.tg.callsOf('answerCallbackQuery').slice(-2);
    expect(answers.map((a) => a.payload.text)).toEqual([t('km', 'core-menu-outdated'), t('km', 'core-menu-outdated')]);
  });

  it('a parent unlinks one school through the menu and is told so in English', async () => {
    const parent = app.user(5001, 'Srey');
    await parent.send('/unlink');
    const [menu] = parent.inbox();
    expect(menu!.text).toBe(t('en', 'onboarding-unlink-choose'));
    await parent.press('children');
    expect(parent.texts()).toEqual([t('en', 'onboarding-unlink-confirm')]);
    await parent.press(t('en', 'core-button-yes-unlink'));
    expect(parent.texts()).toEqual([t('en', 'onboarding-unlink-done')]);
    expect(await app.database.db.select().from(guardians).where(eq(guardians.telegramUserId, 5001))).toHaveLength(0);
    await parent.send('/whoami');
    expect(parent.texts()).toEqual([t('en', 'onboarding-whoami-nobody')]);
  });

  it('answers text it does not understand, and unknown commands, in the user\'s language', async () => {
    const u = app.user(7003, 'C');
    await u.send('hello?');
    await u.send('/nonsense');
    expect(u.texts()).toEqual([t('km', 'core-error-not-understood'), t('km', 'core-error-unknown-command')]);
  });

  it('the invite-code conversation speaks the language the user chose', async () => {
    const u = app.user(7004, 'D');
    await u.send('/language');
    await u.press('English');
    u.inbox();
    await u.send('/code');
    expect(u.texts()).toEqual([t('en', 'onboarding-invite-ask-code')]);
    await u.send('not a code');
    expect(u.texts()).toEqual([t('en', 'onboarding-invite-invalid'), t('en', 'onboarding-invite-try-again')]);
    // a command leaves the conversation
    await u.send('/help');
    const afterHelp = u.texts();
    expect(afterHelp[0]).toBe(t('en', 'core-flow-closed'));
    expect(afterHelp[1]).toContain(t('en', 'onboarding-help-intro'));
    await u.send('still not a code');
    expect(u.texts()).toEqual([t('en', 'core-error-not-understood')]);
  });
});

describe('flooding', () => {
  it('a user who floods the bot is told once to slow down, and the flood does not reach the features', async () => {
    // The production limit (12 a window) over a window long enough that a loaded machine cannot
    // stretch 20 messages across two windows.
    const flooded = await createTestApp({ database: app.database, rateLimit: { max: 12, windowMs: 120_000 } });
    const u = flooded.user(7100, 'Flood');
    for (let i = 0; i < 20; i++) await u.send(`spam ${i}`);
    const texts = u.texts();
    expect(texts.filter((x) => x === t('km', 'core-error-not-understood'))).toHaveLength(12);
    expect(texts.filter((x) => x === t('km', 'core-error-too-fast'))).toHaveLength(1);
  });
});
