/**
 * Student cards without Telegram: issuing is idempotent and race-free, a re-issued card revokes
 * the old one at once, another school's students and forged or malformed tokens are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog, classes, schools, students } from '../../src/core/db/schema.js';
import { bumpCardVersion, CardError, cardOf, cardsFor, reissueCard, resolveCardToken } from '../../src/qr/cards.js';
import { studentCards } from '../../src/qr/schema.js';
import { cardSecret } from '../../src/qr/secret.js';
import { signCard } from '../../src/qr/tokens.js';
import { importStudents } from '../../src/roster/service.js';
import { addSchool } from '../../src/schools/service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { csvFile, loadDemoSchool } from '../support/fixtures.js';

let database: TestDatabase;
const SECRET = cardSecret({ CARD_SECRET: 'test-card-secret-0123456789-abcdefgh', BOT_TOKEN: '1:x' });
const BOT = 'sis_test_bot';
let schoolId: number;
let otherSchoolId: number;
let class1A: number;

beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemoSchool(database.db);
  await addSchool(database.db, { code: 'OTHER-01', nameKm: 'សាលាផ្សេង', nameEn: 'Other School', province: 'PP' }, 'cli');
  const [demo] = await database.db.select({ id: schools.id }).from(schools).where(eq(schools.code, 'DEMO-001'));
  schoolId = demo!.id;
  // A second school with one class of two.
  const other = await importStudents(database.db, {
    schoolCode: 'OTHER-01',
    file: csvFile('students.csv', 'class,shift,student_code,name_km,sex,guardian_phone\n5C,morning,OTHER-S1,សុខ ចាន់,M,012 345 679\n5C,morning,OTHER-S2,កែវ ស្រីពៅ,F,012 345 680\n'),
    actor: 'cli',
  });
  expect(other.ok).toBe(true);
  const [o] = await database.db.select({ id: schools.id }).from(schools).where(eq(schools.code, 'OTHER-01'));
  otherSchoolId = o!.id;
  const [c] = await database.db.select({ id: classes.id }).from(classes).where(and(eq(classes.schoolId, schoolId), eq(classes.name, '1A')));
  class1A = c!.id;
});
afterAll(() => database.drop());

describe('cardsFor', () => {
  it('gives every active student of a class a card once, in roll order, with a verifiable link', async () => {
    const first = await cardsFor(database.db, { schoolId, classId: class1A }, SECRET, BOT);
    const again = await cardsFor(database.db, { schoolId, classId: class1A }, SECRET, BOT);
    expect(first.length).toBeGreaterThan(5);
    expect(again).toEqual(first);
    expect(first.every((c) => c.version === 1 && c.className === '1A' && c.schoolNameKm === 'សាលាគំរូ' && c.schoolNameEn === 'Demo School')).toBe(true);
    expect(first[0]!.link).toBe(`https://t.me/${BOT}?start=${first[0]!.token}`);
    expect(first[0]!.token).toMatch(/^c[A-Za-z0-9_-]{24}$/);
    const rolls = await database.db
      .select({ id: students.id, roll: students.rollNo })
      .from(students)
      .where(and(eq(students.classId, class1A), eq(students.active, true)))
      .orderBy(students.rollNo);
    expect(first.map((c) => c.studentId)).toEqual(rolls.map((r) => r.id));
    const rows = await database.db.select().from(studentCards).where(eq(studentCards.schoolId, schoolId));
    expect(rows).toHaveLength(first.length);
  });

  it('orders a whole school by class (grade, section) then roll number, and leaves inactive students out', async () => {
    const [left] = await database.db.select({ id: students.id }).from(students).where(eq(students.studentCode, 'DEMO-001-S00010'));
    await database.db.update(students).set({ active: false }).where(eq(students.id, left!.id));
    const all = await cardsFor(database.db, { schoolId }, SECRET, BOT);
    expect(all.some((c) => c.studentId === left!.id)).toBe(false);
    const classOrder = await database.db
      .select({ id: classes.id })
      .from(classes)
      .where(eq(classes.schoolId, schoolId))
      .orderBy(classes.grade, classes.section);
    const seen = [...new Set(all.map((c) => c.classId))];
    expect(seen).toEqual(classOrder.map((c) => c.id).filter((id) => seen.includes(id)));
    expect(all.every((c) => c.schoolId === schoolId)).toBe(true);
    expect(await resolveCardToken(database.db, signCard(SECRET, { studentId: left!.id, version: 1 }), SECRET)).toEqual({ ok: false, reason: 'unknown' });
    await database.db.update(students).set({ active: true }).where(eq(students.id, left!.id));
  });

  it('two people asking for a new class at the same moment get the same cards (no half-made rows)', async () => {
    const [c] = await database.db.select({ id: classes.id }).from(classes).where(and(eq(classes.schoolId, schoolId), eq(classes.name, '7B')));
    await database.db.execute(sql`delete from student_cards where student_id in (select id from students where class_id = ${c!.id})`);
    // The first request's rows are inserted but not committed when the second one starts: the
    // second waits on them, and its statement cannot see them once they are committed.
    let first: Awaited<ReturnType<typeof cardsFor>> = [];
    let second: ReturnType<typeof cardsFor> | undefined;
    await database.db.transaction(async (tx) => {
      first = await cardsFor(tx, { schoolId, classId: c!.id }, SECRET, BOT);
      second = cardsFor(database.db, { schoolId, classId: c!.id }, SECRET, BOT);
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    expect(first.length).toBeGreaterThan(0);
    expect(await second).toEqual(first);
    expect(first.every((x) => x.version === 1)).toBe(true);
  });

  it('refuses a bot username that would print a broken link, before writing anything', async () => {
    await expect(cardsFor(database.db, { schoolId: otherSchoolId }, SECRET, 'not a bot')).rejects.toThrow(RangeError);
    const rows = await database.db.select().from(studentCards).where(eq(studentCards.schoolId, otherSchoolId));
    expect(rows).toHaveLength(0);
  });
});

describe('resolveCardToken and re-issue', () => {
  it('a current card resolves to its student, school and class', async () => {
    const [card] = await cardsFor(database.db, { schoolId, classId: class1A }, SECRET, BOT);
    expect(await resolveCardToken(database.db, card!.token, SECRET)).toEqual({ ok: true, studentId: card!.studentId, schoolId, classId: class1A });
  });

  it('re-issuing revokes the old card at once, is audited, and the new card works', async () => {
    const [old] = await cardsFor(database.db, { schoolId, classId: class1A }, SECRET, BOT);
    const renewed = await reissueCard(database.db, { studentId: old!.studentId, schoolId, actorStaffId: 2, actor: 'tg:555' }, SECRET, BOT);
    expect(renewed.version).toBe(old!.version + 1);
    expect(renewed.token).not.toBe(old!.token);
    expect(await resolveCardToken(database.db, old!.token, SECRET)).toEqual({ ok: false, reason: 'revoked' });
    expect(await resolveCardToken(database.db, renewed.token, SECRET)).toMatchObject({ ok: true, studentId: old!.studentId });
    // the class sheet now carries the new card
    const sheet = await cardsFor(database.db, { schoolId, classId: class1A }, SECRET, BOT);
    expect(sheet.find((c) => c.studentId === old!.studentId)!.token).toBe(renewed.token);
    const [entry] = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'card.reissue'), eq(auditLog.entityId, String(old!.studentId))));
    expect(entry).toMatchObject({ actor: 'tg:555', schoolId, outcome: 'ok', details: { version: renewed.version, staffId: 2 } });
  });

  it('a re-issue against the version someone saw happens once (a double tap re-issues nothing more)', async () => {
    const [card] = (await cardsFor(database.db, { schoolId, classId: class1A }, SECRET, BOT)).slice(3);
    const v = await bumpCardVersion(database.db, { studentId: card!.studentId, schoolId, actorStaffId: 2, expectVersion: card!.version });
    expect(v).toBe(card!.version + 1);
    await expect(bumpCardVersion(database.db, { studentId: card!.studentId, schoolId, actorStaffId: 2, expectVersion: card!.version })).rejects.toMatchObject({ reason: 'stale' });
    const current = await cardOf(database.db, { studentId: card!.studentId, schoolId }, SECRET, BOT);
    expect(current!.version).toBe(v);
  });

  it('another school cannot touch or read a student, and its token names its own school', async () => {
    const [foreign] = await cardsFor(database.db, { schoolId: otherSchoolId }, SECRET, BOT);
    expect(foreign!.schoolId).toBe(otherSchoolId);
    // by id, from the wrong school: nothing is read or changed
    expect(await cardOf(database.db, { studentId: foreign!.studentId, schoolId }, SECRET, BOT)).toBeNull();
    await expect(reissueCard(database.db, { studentId: foreign!.studentId, schoolId, actorStaffId: 2 }, SECRET, BOT)).rejects.toBeInstanceOf(CardError);
    expect(await resolveCardToken(database.db, foreign!.token, SECRET)).toMatchObject({ ok: true, schoolId: otherSchoolId });
    const [row] = await database.db.select().from(studentCards).where(eq(studentCards.studentId, foreign!.studentId));
    expect(row!.version).toBe(1);
  });

  it('refuses malformed, forged and never-issued tokens', async () => {
    const [card] = await cardsFor(database.db, { schoolId, classId: class1A }, SECRET, BOT);
    expect(await resolveCardToken(database.db, 'hello', SECRET)).toEqual({ ok: false, reason: 'malformed' });
    expect(await resolveCardToken(database.db, card!.token.slice(0, -1), SECRET)).toEqual({ ok: false, reason: 'malformed' });
    const flipped = card!.token.slice(0, -1) + (card!.token.endsWith('A') ? 'B' : 'A');
    expect(await resolveCardToken(database.db, flipped, SECRET)).toEqual({ ok: false, reason: 'forged' });
    // signed with another deployment's key (or the bot token's key after CARD_SECRET was set)
    const otherKey = cardSecret({ BOT_TOKEN: '123:ABCDEFGHIJKLMNOP' });
    expect(await resolveCardToken(database.db, signCard(otherKey, { studentId: card!.studentId, version: card!.version }), SECRET)).toEqual({ ok: false, reason: 'forged' });
    // correctly signed, but for a student or a version this database never issued
    expect(await resolveCardToken(database.db, signCard(SECRET, { studentId: 9_999_999, version: 1 }), SECRET)).toEqual({ ok: false, reason: 'unknown' });
    expect(await resolveCardToken(database.db, signCard(SECRET, { studentId: card!.studentId, version: card!.version + 5 }), SECRET)).toEqual({ ok: false, reason: 'unknown' });
  });
});

describe('cardSecret', () => {
  it('is CARD_SECRET when set, else a key derived from the bot token that is not the token', () => {
    expect(cardSecret({ CARD_SECRET: 'x'.repeat(32), BOT_TOKEN: '1:abc' }).toString()).toBe('x'.repeat(32));
    const derived = cardSecret({ BOT_TOKEN: '123:ABCDEFGHIJKLMNOP' });
    expect(derived).toHaveLength(32);
    expect(derived.toString('latin1')).not.toContain('ABCDEFGHIJ');
    expect(cardSecret({ BOT_TOKEN: '123:ABCDEFGHIJKLMNOP' })).toEqual(derived);
    expect(cardSecret({ BOT_TOKEN: '123:ABCDEFGHIJKLMNOQ' })).not.toEqual(derived);
  });
});
