/**
 * Student cards as data: who gets a card, what it says, and which token its QR carries. No grammY.
 *
 * A card is a row in student_cards (student, version). Its token (tokens.ts) signs the student's
 * id and that version; re-issuing bumps the version, so the old card's token stops matching at
 * once. Making cards for a class creates the missing rows (version 1) in the same statement that
 * reads them, so asking twice changes nothing and two operators asking at once cannot collide.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db, type Executor } from '../core/db/client.js';
import { pgArrayLiteral } from '../core/db/batch.js';
import { currentYearJoin } from '../core/db/years.js';
import { officeMembership, type Actor } from '../core/auth/actor.js';
import { audit } from '../core/auth/audit.js';
import { signCard, verifyCard, type CardKey } from './tokens.js';

export interface CardData {
  studentId: number;
  studentCode: string;
  nameKm: string;
  nameEn: string | null;
  classId: number;
  className: string;
  schoolId: number;
  schoolNameKm: string;
  schoolNameEn: string;
  /** the card's version (1 for the first card; + 1 per re-issue) */
  version: number;
  /** what the QR's link carries: 'c' + 24 characters */
  token: string;
  /** https://t.me/<bot>?start=<token>: a phone camera opens the bot with the card */
  link: string;
}

export type CardResolution =
  | { ok: true; studentId: number; schoolId: number; classId: number }
  | { ok: false; reason: 'malformed' | 'forged' | 'revoked' | 'unknown' };

export class CardError extends Error {
  constructor(readonly reason: 'not-found' | 'stale' | 'version-limit') {
    super(`card: ${reason}`);
  }
}

/** Telegram usernames: 5-32 of A-Z a-z 0-9 _ (checked so a wrong setting never gets printed). */
export const BOT_USERNAME_RE = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;
/** student_cards.version is a smallint */
const MAX_VERSION = 32_767;

export function cardLink(botUsername: string, token: string): string {
  if (!BOT_USERNAME_RE.test(botUsername)) throw new RangeError(`not a bot username: ${botUsername}`);
  return `https://t.me/${botUsername}?start=${token}`;
}

interface CardRow {
  student_id: number | string;
  student_code: string;
  name_km: string;
  name_en: string | null;
  class_id: number;
  class_name: string;
  school_id: number;
  school_name_km: string;
  school_name_en: string;
  version: number;
}

function toCard(r: CardRow, secret: CardKey, botUsername: string): CardData {
  const studentId = Number(r.student_id);
  const version = Number(r.version);
  const token = signCard(secret, { studentId, version });
  return {
    studentId,
    studentCode: r.student_code,
    nameKm: r.name_km,
    nameEn: r.name_en,
    classId: Number(r.class_id),
    className: r.class_name,
    schoolId: Number(r.school_id),
    schoolNameKm: r.school_name_km,
    schoolNameEn: r.school_name_en,
    version,
    token,
    link: cardLink(botUsername, token),
  };
}

/**
 * The students `where` selects (in a class of the current academic year), each with a card: those
 * without one get version 1 in the same statement. Ordered by class, then roll number.
 */
async function issueAndRead(db: Executor, where: SQL, issuedBy = 'system'): Promise<CardRow[]> {
  const result = await db.execute(sql`
    with scope as (
      select s.id as student_id, s.student_code, s.name_km, s.name_en, s.roll_no,
             c.id as class_id, c.name as class_name, c.grade, c.section,
             sc.id as school_id, sc.name_km as school_name_km, sc.name_en as school_name_en
        from students s
        join classes c on c.id = s.class_id
        ${currentYearJoin('c')}
        join schools sc on sc.id = s.school_id
       where ${where}
    ),
    issued as (
      insert into student_cards (student_id, school_id, version, issued_by)
      select student_id, school_id, 1, ${issuedBy} from scope
      on conflict (student_id) do nothing
      returning student_id, version
    )
    select scope.*, coalesce(card.version, issued.version) as version
      from scope
      left join student_cards card on card.student_id = scope.student_id
      left join issued on issued.student_id = scope.student_id
     order by scope.grade, scope.section, scope.class_id, scope.roll_no nulls last, scope.student_code`);
  return rowsOf<CardRow>(result);
}

/**
 * The cards of every active student of a school (or of one class) in a class of the current
 * academic year, ordered by class (grade, section) then roll number. Students without a card
 * get one (version 1) in the same statement: idempotent, one round trip.
 */
export async function cardsFor(
  db: Executor,
  scope: { schoolId: number; classId?: number; /** recorded as issued_by on new rows */ issuedBy?: string },
  secret: CardKey,
  botUsername: string,
): Promise<CardData[]> {
  // Checked before anything is written: a card with a wrong link is worse than no card.
  cardLink(botUsername, 'c');
  const classFilter = scope.classId === undefined ? sql`` : sql`and c.id = ${scope.classId}`;
  const rows = await issueAndRead(db, sql`s.school_id = ${scope.schoolId} and s.active ${classFilter}`, scope.issuedBy);
  // A card row another transaction inserted while this statement ran is neither in this
  // statement's snapshot nor returned by its insert (the conflict skips it): its version comes
  // back null. Once more: the next statement sees the committed row.
  if (rows.some((r) => r.version === null)) return cardsFor(db, scope, secret, botUsername);
  return rows.map((r) => toCard(r, secret, botUsername));
}

/** One student's card (made if missing), or null when the student is not an active student of this school in a current class. */
export async function cardOf(db: Executor, input: { studentId: number; schoolId: number; issuedBy?: string }, secret: CardKey, botUsername: string): Promise<CardData | null> {
  cardLink(botUsername, 'c');
  const [row] = await issueAndRead(db, sql`s.id = ${input.studentId} and s.school_id = ${input.schoolId} and s.active`, input.issuedBy);
  if (!row) return null;
  if (row.version === null) return cardOf(db, input, secret, botUsername); // see cardsFor
  return toCard(row, secret, botUsername);
}

export interface ReissueInput {
  studentId: number;
  schoolId: number;
  actorStaffId: number | null;
  /** audit actor ('tg:<id>', 'cli'); default 'staff:<actorStaffId>' */
  actor?: string;
  /**
   * The version the person saw when they asked (0: no card yet). When given, the card is
   * re-issued only if it is still that version, so a double tap or a stale button re-issues once.
   */
  expectVersion?: number;
}

/**
 * Bumps a student's card version (audited): the old card's token stops verifying at once. Needs
 * no card secret (the bot process asks; the worker draws the new card). Returns the new version;
 * throws CardError('not-found') when the student is not an active student of this school in a
 * current class, CardError('stale') when `expectVersion` no longer matches. Nothing changes then.
 */
export async function bumpCardVersion(ex: Executor, input: ReissueInput): Promise<number> {
  const actor = input.actor ?? (input.actorStaffId === null ? 'system' : `staff:${input.actorStaffId}`);
  const expect = input.expectVersion;
  const current = sql`
    select s.id, s.school_id
      from students s
      join classes c on c.id = s.class_id
      ${currentYearJoin('c')}
     where s.id = ${input.studentId} and s.school_id = ${input.schoolId} and s.active`;
  const bumped = rowsOf<{ version: number }>(
    await ex.execute(
      expect !== undefined && expect > 0
        ? // a card the person saw: bump exactly that version
          sql`
          update student_cards card set version = card.version + 1, issued_at = now(), issued_by = ${actor}
            from (${current}) s
           where card.student_id = s.id and card.version = ${expect} and card.version < ${MAX_VERSION}
          returning card.version`
        : // no card seen (0) or no expectation: the first card, or the next version of the current one
          sql`
          insert into student_cards (student_id, school_id, version, issued_by)
          select id, school_id, 1, ${actor} from (${current}) s
          on conflict (student_id) do update
             set version = student_cards.version + 1, issued_at = now(), issued_by = excluded.issued_by
           where student_cards.version < ${MAX_VERSION} ${expect === 0 ? sql`and false` : sql``}
          returning version`,
    ),
  );
  if (bumped.length === 0) {
    const [row] = rowsOf<{ version: number }>(
      await ex.execute(sql`
        select coalesce(card.version, 0) as version
          from students s
          join classes c on c.id = s.class_id
          ${currentYearJoin('c')}
          left join student_cards card on card.student_id = s.id
         where s.id = ${input.studentId} and s.school_id = ${input.schoolId} and s.active`),
    );
    if (!row) throw new CardError('not-found');
    throw new CardError(expect !== undefined && Number(row.version) !== expect ? 'stale' : 'version-limit');
  }
  const version = Number(bumped[0]!.version);
  await audit(ex, {
    actor,
    schoolId: input.schoolId,
    action: 'card.reissue',
    entity: 'student',
    entityId: input.studentId,
    details: { version, ...(input.actorStaffId === null ? {} : { staffId: input.actorStaffId }) },
  });
  return version;
}

/** bumpCardVersion in a transaction of its own: the new version and its audit row together. */
export async function reissueCardVersion(db: Db, input: ReissueInput): Promise<number> {
  return db.transaction((tx) => bumpCardVersion(tx, input));
}

/**
 * A new card for a student (a lost or stolen card): the version goes up by one, so the old
 * card's token stops verifying at once. Audited. Throws CardError like bumpCardVersion.
 */
export async function reissueCard(db: Db, input: ReissueInput, secret: CardKey, botUsername: string): Promise<CardData> {
  cardLink(botUsername, 'c');
  return db.transaction(async (tx) => {
    await bumpCardVersion(tx, input);
    const card = await cardOf(tx, { studentId: input.studentId, schoolId: input.schoolId }, secret, botUsername);
    if (!card) throw new CardError('not-found');
    return card;
  });
}

/**
 * What a scanned card stands for. The signature is checked first (no database work for junk or
 * forgeries), then one primary-key lookup compares the version with the student's current one.
 * 'revoked': an older card of this student (re-issued since). 'unknown': a correctly signed card
 * with no current record (student removed or no longer active, no class, or a version this
 * database never issued, e.g. after restoring an old backup).
 */
export async function resolveCardToken(db: Db, token: string, secret: CardKey): Promise<CardResolution> {
  const check = verifyCard(secret, token);
  if (!check.ok) return check;
  const { studentId, version } = check.claims;
  const [row] = rowsOf<{ version: number; school_id: number; class_id: number | null; active: boolean }>(
    await db.execute(sql`
      select card.version, s.school_id, s.class_id, s.active
        from student_cards card join students s on s.id = card.student_id
       where card.student_id = ${studentId}`),
  );
  if (!row || !row.active || row.class_id === null) return { ok: false, reason: 'unknown' };
  const current = Number(row.version);
  if (version < current) return { ok: false, reason: 'revoked' };
  if (version > current) return { ok: false, reason: 'unknown' };
  return { ok: true, studentId, schoolId: Number(row.school_id), classId: Number(row.class_id) };
}

// ---------------------------------------------------------------------------------------------
// Who may ask for which cards (the bot's /cards and /card)

export interface PrintableClass {
  id: number;
  name: string;
  schoolId: number;
  /** the actor may print it as principal/operator (else as its homeroom teacher) */
  office: boolean;
}

/**
 * Classes of the current year this person may print cards for: every class of a school where
 * they are in the office (principal, operator), and their own homeroom classes.
 */
export async function printableClasses(db: Db, actor: Actor): Promise<PrintableClass[]> {
  const officeSchools = [...new Set(actor.staff.map((m) => m.schoolId))].filter((schoolId) => officeMembership(actor, schoolId));
  const own = actor.staff.flatMap((m) => m.homeroomClassIds);
  if (officeSchools.length === 0 && own.length === 0) return [];
  const rows = rowsOf<{ id: number; name: string; school_id: number }>(
    await db.execute(sql`
      select c.id, c.name, c.school_id
        from classes c
        ${currentYearJoin('c')}
       where c.school_id = any(${pgArrayLiteral(officeSchools)}::int[])
          or c.id = any(${pgArrayLiteral(own)}::int[])
       order by c.school_id, c.grade, c.section`),
  );
  return rows.map((r) => ({ id: Number(r.id), name: r.name, schoolId: Number(r.school_id), office: officeSchools.includes(Number(r.school_id)) }));
}

export interface CardStudent {
  id: number;
  schoolId: number;
  classId: number | null;
  nameKm: string;
  nameEn: string | null;
  code: string;
  className: string | null;
  /** the card's current version, 0 when the student has none yet */
  version: number;
}

/** An active student with this code (or id) at one of the schools where this person works. */
export async function cardStudent(db: Db, actor: Actor, where: { code: string } | { id: number }): Promise<CardStudent | undefined> {
  const schoolIds = [...new Set(actor.staff.map((m) => m.schoolId))];
  if (schoolIds.length === 0) return undefined;
  const [row] = rowsOf<{ id: number; school_id: number; class_id: number | null; name_km: string; name_en: string | null; student_code: string; class_name: string | null; version: number }>(
    await db.execute(sql`
      select s.id, s.school_id, s.class_id, s.name_km, s.name_en, s.student_code, c.name as class_name, coalesce(card.version, 0) as version
        from students s
        left join classes c on c.id = s.class_id
        left join student_cards card on card.student_id = s.id
       where ${'code' in where ? sql`s.student_code = ${where.code}` : sql`s.id = ${where.id}`}
         and s.school_id = any(${pgArrayLiteral(schoolIds)}::int[]) and s.active
       limit 1`),
  );
  if (!row) return undefined;
  return {
    id: Number(row.id),
    schoolId: Number(row.school_id),
    classId: row.class_id === null ? null : Number(row.class_id),
    nameKm: row.name_km,
    nameEn: row.name_en,
    code: row.student_code,
    className: row.class_name,
    version: Number(row.version),
  };
}
