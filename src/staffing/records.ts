/**
 * Staff records: reading a school's staff with their records, the principal's overview (by
 * position and sex, who is on leave today), one person's record and its status, applying an
 * imported workbook (all or nothing), and the counts the province and the nation see (never a
 * name: sex × position, qualification and training level).
 */
import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Executor } from '../core/db/client.js';
import { staff } from '../core/db/schema.js';
import type { Actor } from '../core/auth/actor.js';
import { officeMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import type { StaffRole } from '../core/auth/roles.js';
import { POSITIONS, positionFromRoles, STAFF_STATUSES, type StaffStatus } from './codes.js';
import { staffLeave } from '../lifecycle/service-leaving.js';
import { staffDetails } from './schema.js';

/**
 * A member of staff whose status becomes one of these has left the school: the same deactivation
 * as leaving the staff roster (roles, homerooms, substitutions, covers, link and waiting messages end).
 */
const LEFT_STATUSES: readonly StaffStatus[] = ['transferred', 'retired'];
import { onLeaveOn } from './leave.js';
import { parseRecordsWorkbook, type RecordProblem } from './workbook.js';

export interface StaffRecord {
  staffId: number;
  staffCode: string;
  nameKm: string;
  nameEn: string | null;
  sex: 'M' | 'F' | null;
  subjects: string[];
  roles: StaffRole[];
  linked: boolean;
  /** a record row exists (otherwise position comes from the roles and the rest is empty) */
  recorded: boolean;
  position: string;
  dateOfBirth: string | null;
  qualification: string | null;
  trainingLevel: string | null;
  employment: string | null;
  startDate: string | null;
  status: StaffStatus;
}

interface RecordRow {
  id: number;
  staff_code: string;
  name_km: string;
  name_en: string | null;
  sex: 'M' | 'F' | null;
  subjects: string[] | string;
  roles: string[] | string;
  linked: boolean;
  recorded: boolean;
  position: string | null;
  date_of_birth: string | null;
  qualification: string | null;
  training_level: string | null;
  employment: string | null;
  start_date: string | null;
  status: string | null;
}

/** postgres.js parses arrays; PGlite may hand back the text form. */
function textArray(v: string[] | string | null): string[] {
  if (v === null) return [];
  if (Array.isArray(v)) return v;
  const inner = v.replace(/^\{|\}$/g, '');
  return inner ? inner.split(',').map((s) => s.replace(/^"|"$/g, '')) : [];
}

function toRecord(r: RecordRow): StaffRecord {
  const roles = textArray(r.roles) as StaffRole[];
  return {
    staffId: Number(r.id),
    staffCode: r.staff_code,
    nameKm: r.name_km,
    nameEn: r.name_en,
    sex: r.sex,
    subjects: textArray(r.subjects),
    roles,
    linked: Boolean(r.linked),
    recorded: Boolean(r.recorded),
    position: r.position ?? positionFromRoles(roles),
    dateOfBirth: r.date_of_birth,
    qualification: r.qualification,
    trainingLevel: r.training_level,
    employment: r.employment,
    startDate: r.start_date,
    status: (STAFF_STATUSES as readonly string[]).includes(r.status ?? '') ? (r.status as StaffStatus) : 'active',
  };
}

/**
 * Every active roster member of a school with their record, by staff code (and `alsoStaffId`
 * even when no longer active: the record whose status just made them leave).
 */
export async function recordsOf(ex: Executor, schoolId: number, alsoStaffId?: number): Promise<StaffRecord[]> {
  const rows = rowsOf<RecordRow>(
    await ex.execute(sql`
      select st.id, st.staff_code, st.name_km, st.name_en, st.sex, st.subjects, st.telegram_user_id is not null as linked,
             d.staff_id is not null as recorded, d.position, d.date_of_birth::text as date_of_birth, d.qualification,
             d.training_level, d.employment, d.start_date::text as start_date, d.status,
             coalesce((select array_agg(r.role::text order by r.role) from staff_roles r where r.staff_id = st.id), '{}'::text[]) as roles
        from staff st left join staff_details d on d.staff_id = st.id
       where st.school_id = ${schoolId} and (st.active or st.id = ${alsoStaffId ?? 0})
       order by st.staff_code`),
  );
  return rows.map(toRecord);
}

export interface Tally {
  total: number;
  female: number;
}

export interface StaffOverview {
  schoolId: number;
  total: Tally;
  byPosition: Array<{ position: string } & Tally>;
  onLeave: Array<{ staffId: number; nameKm: string; nameEn: string | null; reason: string; toDay: string | null }>;
  /** records still missing date of birth, qualification, training level, employment or start date */
  incomplete: number;
}

const tally = (list: StaffRecord[]): Tally => ({ total: list.length, female: list.filter((r) => r.sex === 'F').length });

/** The principal's /staff: by position and sex, who is on leave today, how many records are incomplete. */
export async function staffOverview(db: Db, schoolId: number, today: string): Promise<StaffOverview> {
  const records = (await recordsOf(db, schoolId)).filter((r) => r.status !== 'transferred' && r.status !== 'retired');
  const rank = (p: string) => {
    const i = (POSITIONS as readonly string[]).indexOf(p);
    return i < 0 ? POSITIONS.length : i;
  };
  const positions = [...new Set(records.map((r) => r.position))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const leave = await onLeaveOn(db, schoolId, today);
  const onLeave = [
    ...leave.map((l) => ({ staffId: l.staffId, nameKm: l.nameKm, nameEn: l.nameEn, reason: l.reason, toDay: l.toDay as string | null })),
    ...records
      .filter((r) => r.status === 'on-leave' && !leave.some((l) => l.staffId === r.staffId))
      .map((r) => ({ staffId: r.staffId, nameKm: r.nameKm, nameEn: r.nameEn, reason: 'status', toDay: null })),
  ];
  return {
    schoolId,
    total: tally(records),
    byPosition: positions.map((position) => ({ position, ...tally(records.filter((r) => r.position === position)) })),
    onLeave,
    incomplete: records.filter((r) => !r.dateOfBirth || !r.qualification || !r.trainingLevel || !r.employment || !r.startDate).length,
  };
}

export type RecordDenied = { ok: false; reason: 'forbidden' | 'not-found' };

/** One person's record, for the office of their school (the read is audited). */
export async function recordOf(db: Db, actor: Actor, code: string): Promise<{ ok: true; record: StaffRecord; schoolId: number } | RecordDenied> {
  const office = officeMembership(actor);
  const who = actorOf(actor.telegramUserId);
  if (!office) {
    await audit(db, { actor: who, action: 'staffing.record.read', outcome: 'denied', details: { reason: 'forbidden' } });
    return { ok: false, reason: 'forbidden' };
  }
  const wanted = code.trim().toLowerCase();
  const record = (await recordsOf(db, office.schoolId)).find((r) => r.staffCode.toLowerCase() === wanted || r.staffCode.toLowerCase().endsWith(`-${wanted}`));
  if (!record) return { ok: false, reason: 'not-found' };
  await audit(db, { actor: who, schoolId: office.schoolId, action: 'staffing.record.read', entity: 'staff', entityId: record.staffId });
  return { ok: true, record, schoolId: office.schoolId };
}

/** The office changes a person's status (active, on leave, transferred, retired). */
export async function setStaffStatus(db: Db, actor: Actor, staffId: number, status: StaffStatus): Promise<{ ok: true; record: StaffRecord } | RecordDenied> {
  const who = actorOf(actor.telegramUserId);
  const [person] = await db.select({ schoolId: staff.schoolId }).from(staff).where(eq(staff.id, staffId));
  const office = person ? officeMembership(actor, person.schoolId) : undefined;
  if (!person || !office) {
    await audit(db, { actor: who, schoolId: person?.schoolId ?? null, action: 'staffing.status', entity: 'staff', entityId: staffId, outcome: 'denied', details: { reason: person ? 'forbidden' : 'not-found' } });
    return { ok: false, reason: person ? 'forbidden' : 'not-found' };
  }
  await db.transaction(async (tx) => {
    const current = (await recordsOf(tx, person.schoolId)).find((r) => r.staffId === staffId);
    await tx
      .insert(staffDetails)
      .values({ staffId, schoolId: person.schoolId, position: current?.position ?? 'teacher', status, updatedBy: who })
      .onConflictDoUpdate({ target: staffDetails.staffId, set: { status, updatedBy: who, updatedAt: sql`now()` } });
    await audit(tx, { actor: who, schoolId: person.schoolId, action: 'staffing.status', entity: 'staff', entityId: staffId, details: { status } });
    if (LEFT_STATUSES.includes(status)) await staffLeave(tx, { schoolId: person.schoolId, staffIds: [staffId], reason: `status-${status}`, actor: who });
  });
  const record = (await recordsOf(db, person.schoolId, staffId)).find((r) => r.staffId === staffId)!;
  return { ok: true, record };
}

/** A row of an imported records workbook, checked (codes valid, the person found). */
export interface RecordUpdate {
  staffId: number;
  position: string;
  sex: 'M' | 'F' | null;
  dateOfBirth: string | null;
  qualification: string | null;
  trainingLevel: string | null;
  employment: string | null;
  startDate: string | null;
  status: StaffStatus;
  subjects: string[] | null;
}

/** Writes checked workbook rows in one transaction: the records, sex and subjects on the roster row. */
export async function applyRecords(db: Db, input: { schoolId: number; rows: RecordUpdate[]; actor: string }): Promise<{ updated: number }> {
  if (input.rows.length === 0) return { updated: 0 };
  await db.transaction(async (tx) => {
    await tx
      .insert(staffDetails)
      .values(
        input.rows.map((r) => ({
          staffId: r.staffId,
          schoolId: input.schoolId,
          position: r.position,
          dateOfBirth: r.dateOfBirth,
          qualification: r.qualification,
          trainingLevel: r.trainingLevel,
          employment: r.employment,
          startDate: r.startDate,
          status: r.status,
          updatedBy: input.actor,
        })),
      )
      .onConflictDoUpdate({
        target: staffDetails.staffId,
        set: {
          position: sql`excluded.position`,
          dateOfBirth: sql`excluded.date_of_birth`,
          qualification: sql`excluded.qualification`,
          trainingLevel: sql`excluded.training_level`,
          employment: sql`excluded.employment`,
          startDate: sql`excluded.start_date`,
          status: sql`excluded.status`,
          updatedBy: sql`excluded.updated_by`,
          updatedAt: sql`now()`,
        },
      });
    for (const r of input.rows) {
      if (r.sex === null && r.subjects === null) continue;
      await tx
        .update(staff)
        .set({ ...(r.sex ? { sex: r.sex } : {}), ...(r.subjects ? { subjects: r.subjects } : {}), updatedAt: sql`now()` })
        .where(and(eq(staff.id, r.staffId), eq(staff.schoolId, input.schoolId)));
    }
    await audit(tx, { actor: input.actor, schoolId: input.schoolId, action: 'staffing.records.import', details: { rows: input.rows.length } });
    for (const status of LEFT_STATUSES) {
      const ids = input.rows.filter((r) => r.status === status).map((r) => r.staffId);
      await staffLeave(tx, { schoolId: input.schoolId, staffIds: ids, reason: `status-${status}`, actor: input.actor });
    }
  });
  return { updated: input.rows.length };
}

export interface CountRow {
  /** 'position' | 'qualification' | 'training' */
  dimension: string;
  /** the code; '' when not recorded */
  code: string;
  total: number;
  female: number;
}

export interface StaffCounts {
  schools: number;
  total: Tally;
  rows: CountRow[];
}

/**
 * EMIS teacher statistics for a province (or the nation when null): staff serving (not
 * transferred or retired) by sex × position, qualification and training level. Counts only.
 */
export async function staffCounts(db: Db, provinceId: number | null): Promise<StaffCounts> {
  const rows = rowsOf<{ dimension: string; code: string; total: number; female: number; schools: number }>(
    await db.execute(sql`
      with people as (
        select st.school_id, st.sex,
               coalesce(d.position, case
                 when exists (select 1 from staff_roles r where r.staff_id = st.id and r.role = 'principal') then 'principal'
                 when exists (select 1 from staff_roles r where r.staff_id = st.id and r.role = 'teacher') then 'teacher'
                 when exists (select 1 from staff_roles r where r.staff_id = st.id and r.role = 'operator') then 'operator'
                 when exists (select 1 from staff_roles r where r.staff_id = st.id and r.role = 'gatekeeper') then 'guard'
                 else 'other' end) as position,
               coalesce(d.qualification, '') as qualification, coalesce(d.training_level, '') as training
          from staff st join schools s on s.id = st.school_id
          left join staff_details d on d.staff_id = st.id
         where st.active and coalesce(d.status, 'active') not in ('transferred', 'retired')
           and (${provinceId}::int is null or s.province_id = ${provinceId}::int))
      select 'position' as dimension, position as code, count(*)::int as total, count(*) filter (where sex = 'F')::int as female,
             (select count(distinct school_id)::int from people) as schools
        from people group by position
      union all
      select 'qualification', qualification, count(*)::int, count(*) filter (where sex = 'F')::int, 0 from people group by qualification
      union all
      select 'training', training, count(*)::int, count(*) filter (where sex = 'F')::int, 0 from people group by training`),
  );
  const positions = rows.filter((r) => r.dimension === 'position');
  return {
    schools: Number(positions[0]?.schools ?? 0),
    total: { total: positions.reduce((s, r) => s + Number(r.total), 0), female: positions.reduce((s, r) => s + Number(r.female), 0) },
    rows: rows.map((r) => ({ dimension: r.dimension, code: r.code, total: Number(r.total), female: Number(r.female) })),
  };
}

/** The names of a school and a province, for headings. */
export async function placeNames(db: Db, input: { schoolId?: number; provinceId?: number | null }): Promise<{ school?: { nameKm: string; nameEn: string; code: string; timezone: string }; province?: { nameKm: string; nameEn: string } }> {
  const out: { school?: { nameKm: string; nameEn: string; code: string; timezone: string }; province?: { nameKm: string; nameEn: string } } = {};
  if (input.schoolId !== undefined) {
    const [s] = rowsOf<{ name_km: string; name_en: string; code: string; timezone: string }>(await db.execute(sql`select name_km, name_en, code, timezone from schools where id = ${input.schoolId}`));
    if (s) out.school = { nameKm: s.name_km, nameEn: s.name_en, code: s.code, timezone: s.timezone };
  }
  if (input.provinceId !== undefined && input.provinceId !== null) {
    const [p] = rowsOf<{ name_km: string; name_en: string }>(await db.execute(sql`select name_km, name_en from provinces where id = ${input.provinceId}`));
    if (p) out.province = { nameKm: p.name_km, nameEn: p.name_en };
  }
  return out;
}

/** Reads a records workbook against the school's roster and, when every row is right, applies it. */
export async function importRecords(
  db: Db,
  input: { schoolId: number; bytes: Uint8Array; actor: string; t: (locale: 'km' | 'en', key: string) => string },
): Promise<{ ok: true; updated: number } | { ok: false; problems: RecordProblem[] }> {
  const records = await recordsOf(db, input.schoolId);
  const parsed = await parseRecordsWorkbook(input.bytes, records, input.t);
  if (!parsed.ok) {
    await audit(db, { actor: input.actor, schoolId: input.schoolId, action: 'staffing.records.import', outcome: 'denied', details: { problems: parsed.problems.length } });
    return parsed;
  }
  return { ok: true, ...(await applyRecords(db, { schoolId: input.schoolId, rows: parsed.rows, actor: input.actor })) };
}
