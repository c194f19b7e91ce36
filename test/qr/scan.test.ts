/**
 * Scanning cards through the real bot: the gate keeper scans (camera deep link and photo), the
 * family gets one arrival notice, repeats and departures, every kind of bad card, parents who turn
 * notices off, and the cutoff that turns the unscanned into the teacher's absent list.
 */
import { noticesOff } from '../../src/qr/buttons.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { auditLog, classes, outbox, students } from '../../src/core/db/schema.js';
import { attendance } from '../../src/attendance/schema.js';
import { checkins } from '../../src/qr/schema.js';
import { signCard } from '../../src/qr/tokens.js';
import { runCutoff } from '../../src/qr/cutoff.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';
import { addGatekeeper, issueAllCards } from './gate.js';

// Monday 23 November 2026 in Phnom Penh (UTC+7). Morning shift starts 07:00: late after 07:10.
let now = new Date('2026-11-23T00:02:00Z'); // 07:02
let app: TestApp;
let deliver: () => Promise<void>;
let stopDelivery: () => Promise<void>;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);
const khmerDigits = (s: string) => s.replace(/\d/g, (d) => '០១២៣៤៥៦៧៨៩'[Number(d)]!);

let gate: TestUser;
let teacher7A: TestUser;
let other: TestUser; // a parent of a 7A child, not staff
type Kid = { id: number; nameKm: string; nameEn: string | null; phone: string };
let kids7A: Kid[];
let schoolId: number;

const link = (token: string) => `https://t.me/sis_test_bot?start=${token}`;
const cardOf = (studentId: number, version = 1) => signCard(app.deps.cardSecret, { studentId, version });

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  const { db } = app.database;
  await loadDemoSchool(db);
  await loadDemoSchool(db, undefined, 'DEMO-002');
  await issueAllCards(app);
  schoolId = await addGatekeeper(app, 'DEMO-001', '+85512999001');
  kids7A = (
    await app.database.rows<{ id: number; name_km: string; name_en: string | null; phone: string }>(sql`
      select s.id, s.name_km, s.name_en, g.phone from students s join classes c on c.id = s.class_id and c.name = '7A' and c.school_id = ${schoolId}
        join student_guardians sg on sg.student_id = s.id join guardians g on g.id = sg.guardian_id
       order by s.roll_no limit 6`)
  ).map((r) => ({ id: Number(r.id), nameKm: r.name_km, nameEn: r.name_en, phone: r.phone }));

  const delivery = startTestDelivery(app);
  deliver = delivery.deliver;
  stopDelivery = delivery.stop;

  gate = app.user(3001, 'Gate');
  await gate.shareContact('012 999 001');
  teacher7A = app.user(3002, 'Makara');
  await teacher7A.shareContact('016 025 313');
  other = app.user(3003, 'Parent');
  await other.shareContact(kids7A[5]!.phone);
  for (const u of [gate, teacher7A, other]) u.inbox();
});

afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

const parents = new Map<number, TestUser>();
async function parentOf(kid: Kid, id: number): Promise<TestUser> {
  let p = parents.get(kid.id);
  if (!p) {
    p = app.user(id, 'P');
    await p.shareContact(kid.phone);
    p.inbox();
    parents.set(kid.id, p);
  }
  return p;
}

describe('the gate keeper scans a card with the phone camera', () => {
  it('records the arrival, says so in Khmer, and the family gets exactly one arrival notice', async () => {
    const kid = kids7A[0]!;
    const parent = await parentOf(kid, 3101);
    await gate.send(`/start ${cardOf(kid.id)}`);
    const [reply] = gate.inbox();
    expect(reply!.text).toContain(t('km', 'qr-scan-arrived', { name: kid.nameKm, class: '7A', time: khmerDigits('07:02') }));
    expect(reply!.text).toContain(t('km', 'qr-scan-families-told', { count: '១' }));

    const [row] = await app.database.db.select().from(checkins).where(eq(checkins.studentId, kid.id));
    expect(row).toMatchObject({ day: '2026-11-23', shift: 'morning', late: false, arrivedTime: '07:02', arrivedVia: 'camera' });

    await deliver();
    const notices = parent.inbox().filter((m) => m.method === 'sendMessage');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toBe(t('km', 'qr-scan-notice-arrived', { name: kid.nameKm, time: khmerDigits('07:02') }));
    // Its own namespace (it was `an:off`, which the /announce flow took for one of its buttons).
    expect(notices[0]!.replyMarkup.inline_keyboard[0][0].callback_data).toBe(noticesOff.pack({}));

    const audits = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'scan.record'), eq(auditLog.entityId, String(kid.id))));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.details).toMatchObject({ via: 'camera', kind: 'arrival' });
  });

  it('a second scan within the cooldown is a repeat: said so, nothing changes, no second notice', async () => {
    const kid = kids7A[0]!;
    now = new Date('2026-11-23T00:03:00Z');
    await gate.send(`/start ${cardOf(kid.id)}`);
    expect(gate.inbox()[0]!.text).toBe(t('km', 'qr-scan-repeat', { name: kid.nameKm, arrived: khmerDigits('07:02') }));
    await deliver();
    expect(parents.get(kid.id)!.inbox()).toHaveLength(0);
  });

  it('a scan after the cooldown is the departure, and later ones are repeats', async () => {
    const kid = kids7A[0]!;
    now = new Date('2026-11-23T04:05:00Z'); // 11:05
    await gate.send(`/start ${cardOf(kid.id)}`);
    expect(gate.inbox()[0]!.text).toBe(t('km', 'qr-scan-departed', { name: kid.nameKm, class: '7A', time: khmerDigits('11:05'), arrived: khmerDigits('07:02') }));
    now = new Date('2026-11-23T04:30:00Z');
    await gate.send(`/start ${cardOf(kid.id)}`);
    expect(gate.inbox()[0]!.text).toBe(t('km', 'qr-scan-repeat-left', { name: kid.nameKm, arrived: khmerDigits('07:02'), left: khmerDigits('11:05') }));
    const [row] = await app.database.db.select().from(checkins).where(eq(checkins.studentId, kid.id));
    expect(row!.departedAt?.toISOString()).toBe('2026-11-23T04:05:00.000Z');
  });

  it('after the late threshold the arrival is late, for the scanner and the family', async () => {
    const kid = kids7A[1]!;
    const parent = await parentOf(kid, 3102);
    now = new Date('2026-11-23T00:41:00Z'); // 07:41
    await gate.send(`/start ${cardOf(kid.id)}`);
    expect(gate.inbox()[0]!.text).toContain(t('km', 'qr-scan-arrived-late', { name: kid.nameKm, class: '7A', time: khmerDigits('07:41') }));
    await deliver();
    expect(parent.inbox().map((m) => m.text)).toEqual([t('km', 'qr-scan-notice-late', { name: kid.nameKm, time: khmerDigits('07:41') })]);
  });
});

describe('bad cards and the wrong people change nothing and are audited', () => {
  const countCheckins = async () => (await app.database.rows<{ n: number }>(sql`select count(*)::int as n from checkins`))[0]!.n;
  const denials = async (reason: string) =>
    (await app.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'scan.record' and outcome = 'denied' and details->>'reason' = ${reason}`))[0]!.n;

  it.each([
    ['forged', () => cardOf(kids7A[2]!.id).slice(0, -3) + (cardOf(kids7A[2]!.id).endsWith('AAA') ? 'BBB' : 'AAA')],
    ['malformed', () => 'c123'],
    ['revoked', () => cardOf(kids7A[2]!.id, 0)],
  ])('%s card', async (reason, token) => {
    const before = await countCheckins();
    const denied = await denials(reason);
    // A malformed payload is not a card at all: onboarding answers it as an unknown invite code.
    if (reason === 'malformed') {
      await gate.send(`/start ${token()}`);
      expect(gate.inbox()[0]!.text).not.toContain('✅');
    } else {
      await gate.send(`/start ${token()}`);
      expect(gate.inbox()[0]!.text).toBe(t('km', `qr-scan-denied-${reason}`));
      expect(await denials(reason)).toBe(denied + 1);
    }
    expect(await countCheckins()).toBe(before);
  });

  it("another school's card", async () => {
    const [foreign] = await app.database.rows<{ id: number }>(sql`select s.id from students s join schools sc on sc.id = s.school_id and sc.code = 'DEMO-002' limit 1`);
    const before = await countCheckins();
    await gate.send(`/start ${cardOf(Number(foreign!.id))}`);
    expect(gate.inbox()[0]!.text).toBe(t('km', 'qr-scan-denied-other-school'));
    expect(await countCheckins()).toBe(before);
    expect(await denials('other-school')).toBe(1);
  });

  it('a parent who scans a card with the camera is told what it is, and nothing is recorded', async () => {
    const before = await countCheckins();
    await other.send(`/start ${cardOf(kids7A[3]!.id)}`);
    expect(other.inbox()[0]!.text).toBe(t('km', 'qr-scan-denied-not-scanner'));
    expect(await countCheckins()).toBe(before);
    expect(await denials('not-scanner')).toBe(1);
  });
});

describe('a photo of a card', () => {
  const qrPhoto = async (texts: string[]) => {
    const codes = await Promise.all(texts.map((x) => QRCode.toBuffer(x, { scale: 6, margin: 4 })));
    return sharp({ create: { width: 1280, height: 960, channels: 3, background: '#d8d2c4' } })
      .composite(codes.map((input, i) => ({ input, left: 120 + i * 560, top: 300 })))
      .jpeg({ quality: 85 })
      .toBuffer();
  };

  it('is decoded and recorded as a scan', async () => {
    const kid = kids7A[3]!;
    now = new Date('2026-11-23T00:06:00Z');
    await gate.sendPhoto(await qrPhoto([link(cardOf(kid.id))]));
    expect(gate.inbox()[0]!.text).toContain(t('km', 'qr-scan-arrived', { name: kid.nameKm, class: '7A', time: khmerDigits('07:06') }));
    const [row] = await app.database.db.select().from(checkins).where(eq(checkins.studentId, kid.id));
    expect(row!.arrivedVia).toBe('photo');
  });

  it('with no code, or two codes, is refused with a clear message', async () => {
    const before = (await app.database.rows<{ n: number }>(sql`select count(*)::int as n from checkins`))[0]!.n;
    await gate.sendPhoto(await sharp({ create: { width: 1280, height: 960, channels: 3, background: '#88aa66' } }).jpeg().toBuffer());
    expect(gate.inbox()[0]!.text).toBe(t('km', 'qr-scan-photo-none'));
    await gate.sendPhoto(await qrPhoto([link(cardOf(kids7A[4]!.id)), link(cardOf(kids7A[5]!.id))]));
    expect(gate.inbox()[0]!.text).toBe(t('km', 'qr-scan-photo-many', { count: '២' }));
    await gate.sendPhoto(new TextEncoder().encode('not a picture'));
    expect(gate.inbox()[0]!.text).toBe(t('km', 'qr-scan-photo-bad'));
    expect((await app.database.rows<{ n: number }>(sql`select count(*)::int as n from checkins`))[0]!.n).toBe(before);
    const denied = await app.database.rows<{ reason: string }>(
      sql`select details->>'reason' as reason from audit_log where action = 'scan.record' and outcome = 'denied' and details->>'via' = 'photo' order by id`,
    );
    expect(denied.map((d) => d.reason)).toEqual(['no-code', 'many-codes', 'not-an-image']);
  });

  it('from a parent is not taken as a scan', async () => {
    await other.sendPhoto(await qrPhoto([link(cardOf(kids7A[4]!.id))]));
    expect(other.inbox().map((m) => m.text).join('\n')).not.toContain(t('km', 'qr-scan-photo-none'));
    expect(await app.database.db.select().from(checkins).where(eq(checkins.studentId, kids7A[4]!.id))).toHaveLength(0);
  });
});

describe('parents choose arrival notices', () => {
  it('turns them off from the notice, keeps absence alerts, and turns them on again with /notices', async () => {
    const kid = kids7A[1]!;
    const parent = parents.get(kid.id)!;
    await parent.press(t('km', 'qr-scan-notices-off-button'));
    expect(parent.inbox().at(-1)!.text).toBe(t('km', 'qr-scan-notices-off-done'));
    await parent.send('/notices');
    expect(parent.inbox()[0]!.text).toBe(t('km', 'qr-scan-notices-status-off'));
    await parent.press(t('km', 'qr-scan-notices-on-button'));
    expect(parent.inbox().at(-1)!.text).toBe(t('km', 'qr-scan-notices-on-done'));
    await parent.press(t('km', 'qr-scan-notices-off-button'));
    parent.inbox();
  });

  it('a staff member pressing a forged notices button is refused', async () => {
    await gate.pressData(noticesOff.pack({}));
    expect(gate.inbox()[0]!.text).toBe(t('km', 'qr-scan-notices-parents-only'));
  });
});

describe('the cutoff', () => {
  it('does nothing for a school that has not turned scanning on', async () => {
    const summary = await runCutoff(app.database.db, { schoolId, shift: 'morning', now: new Date('2026-11-23T01:00:00Z'), notifier: app.notifier });
    expect(summary.skipped).toBe('disabled');
  });

  it('proposes the unscanned of 7A to its teacher, who confirms in one tap; families are alerted once', async () => {
    const { db } = app.database;
    await db.execute(sql`insert into scan_settings (school_id, alert_mode) values (${schoolId}, 'confirm')`);
    const [cls] = await db.select({ id: classes.id }).from(classes).where(and(eq(classes.name, '7A'), eq(classes.schoolId, schoolId)));
    const size = (await db.select().from(students).where(eq(students.classId, cls!.id))).length;
    const scanned = (await db.select().from(checkins).where(eq(checkins.classId, cls!.id))).length;
    const unscannedKid = kids7A[5]!; // the parent `other`
    now = new Date('2026-11-23T01:00:00Z'); // 08:00
    const summary = await runCutoff(db, { schoolId, shift: 'morning', now, notifier: app.notifier });
    expect(summary.classes.find((c) => c.classId === cls!.id)).toMatchObject({ proposed: size - scanned, submitted: false });
    await deliver();
    const [list] = teacher7A.inbox();
    expect(list!.text).toContain(t('km', 'qr-cutoff-teacher', { class: '7A', shift: t('km', 'core-shift-morning'), date: '២៣ វិច្ឆិកា ២០២៦', count: khmerDigits(String(size - scanned)), time: khmerDigits('08:00'), names: '' }).split('\n')[0]);
    expect(list!.text).toContain(unscannedKid.nameKm);
    expect(list!.text).not.toContain(kids7A[0]!.nameKm);

    // The teacher's sheet opens pre-filled: the late scan is late, the unscanned absent.
    await teacher7A.press(t('km', 'qr-cutoff-open'));
    const sheet = teacher7A.inbox().at(-1)!;
    expect(sheet.text).toContain(`❌ ${khmerDigits(String(size - scanned))}`);

    // A second run (a retried job) proposes nothing again and sends nothing.
    await runCutoff(db, { schoolId, shift: 'morning', now, notifier: app.notifier });
    await deliver();
    expect(teacher7A.inbox()).toHaveLength(0);

    await teacher7A.press(t('km', 'qr-cutoff-confirm'));
    await deliver();
    const alerts = other.inbox().filter((m) => m.method === 'sendMessage');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.text).toContain(unscannedKid.nameKm);
    const [late] = await db.select().from(attendance).where(eq(attendance.studentId, kids7A[1]!.id));
    expect(late).toMatchObject({ status: 'late', arrivedAt: '07:41' });
  });

  it('a child scanned after being submitted absent becomes late, and the family gets a correction, not a second alarm', async () => {
    const kid = kids7A[5]!;
    now = new Date('2026-11-23T01:20:00Z'); // 08:20
    await gate.send(`/start ${cardOf(kid.id)}`);
    expect(gate.inbox()[0]!.text).toContain(t('km', 'qr-scan-arrived-late', { name: kid.nameKm, class: '7A', time: khmerDigits('08:20') }));
    await deliver();
    const got = other.inbox().map((m) => m.text);
    expect(got).toContain(t('km', 'attendance-alert-correction-late', { name: kid.nameKm, class: '7A', time: khmerDigits('08:20'), date: '២៣ វិច្ឆិកា ២០២៦' }));
    const [row] = await app.database.db.select().from(attendance).where(eq(attendance.studentId, kid.id));
    expect(row).toMatchObject({ status: 'late', arrivedAt: '08:20', source: 'scan' });
    expect(await app.database.db.select().from(outbox).where(sql`${outbox.chatId} = ${other.id} and ${outbox.dedupeKey} like 'absent:%'`)).toHaveLength(1);
  });

  it('in immediate mode the list is submitted at cutoff and families are alerted at once', async () => {
    const { db } = app.database;
    await db.execute(sql`update scan_settings set alert_mode = 'immediate' where school_id = ${schoolId}`);
    // 7B: one child scanned, the rest not. The cutoff runs for classes not yet handled (7A already ran).
    const [kid7B] = await app.database.rows<{ id: number; phone: string; name_km: string }>(sql`
      select s.id, g.phone, s.name_km from students s join classes c on c.id = s.class_id and c.name = '7B' and c.school_id = ${schoolId}
        join student_guardians sg on sg.student_id = s.id join guardians g on g.id = sg.guardian_id order by s.roll_no offset 1 limit 1`);
    const parent7B = app.user(3201, 'P7B');
    await parent7B.shareContact(kid7B!.phone);
    parent7B.inbox();
    const summary = await runCutoff(db, { schoolId, shift: 'morning', now: new Date('2026-11-23T01:30:00Z'), notifier: app.notifier });
    const [c7B] = await db.select({ id: classes.id }).from(classes).where(and(eq(classes.name, '7B'), eq(classes.schoolId, schoolId)));
    expect(summary.classes.find((c) => c.classId === c7B!.id)).toMatchObject({ submitted: true });
    await deliver();
    expect(parent7B.inbox().filter((m) => m.text.includes(kid7B!.name_km))).toHaveLength(1);
    const [sub] = await app.database.rows<{ via: string }>(sql`select via from class_submissions where class_id = ${c7B!.id}`);
    expect(sub!.via).toBe('scan');
  });

  it('a school whose gate scanned nobody gets no list, and its office is told once', async () => {
    const { db } = app.database;
    const school2 = Number((await app.database.rows<{ id: number }>(sql`select id from schools where code = 'DEMO-002'`))[0]!.id);
    await db.execute(sql`insert into scan_settings (school_id) values (${school2})`);
    const summary = await runCutoff(db, { schoolId: school2, shift: 'morning', now: new Date('2026-11-23T01:00:00Z'), notifier: app.notifier });
    expect(summary.skipped).toBe('no-scans');
    expect(await app.database.rows(sql`select 1 from cutoff_runs where school_id = ${school2}`)).toHaveLength(0);
  });
});
