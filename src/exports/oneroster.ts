/**
 * OneRoster 1.2 CSV (bulk): a ZIP with manifest.csv, orgs, academicSessions, courses, classes,
 * users, roles and enrollments (and, when the scope has scores, the gradebook's categories, lineItems
 * and results: gradebook.ts), streamed: each file is read from Postgres in batches while the ZIP
 * is written, so memory does not grow with the number of students. No phone, e-mail or password
 * is ever written (those columns stay empty).
 *
 * Mapping: the ministry (national), provinces (state) and schools (school) are orgs; a school's
 * year is an academicSession (schoolYear = the year it ends); a course per grade of a school year;
 * a class per class (homeroom); students and homeroom teachers are users with a role and an
 * enrollment. Khmer names are written family name first, so the first word is the familyName.
 */
import { Readable } from 'node:stream';
import archiver from 'archiver';
import { sql } from 'drizzle-orm';
import type { Database } from '../core/db/client.js';
import { BATCH, batches, csvLine } from './csv.js';
import { schoolIdIn, scopeWhere, type ExportScope } from './scope.js';
import { GRADEBOOK_COLUMNS, gradebookLines, scopeHasScores, type GradebookFile } from './gradebook.js';

export const ONEROSTER_COLUMNS = {
  orgs: ['sourcedId', 'status', 'dateLastModified', 'name', 'type', 'identifier', 'parentSourcedId'],
  academicSessions: ['sourcedId', 'status', 'dateLastModified', 'title', 'type', 'startDate', 'endDate', 'parentSourcedId', 'schoolYear'],
  courses: ['sourcedId', 'status', 'dateLastModified', 'schoolYearSourcedId', 'title', 'courseCode', 'grades', 'orgSourcedId', 'subjects', 'subjectCodes'],
  classes: ['sourcedId', 'status', 'dateLastModified', 'title', 'grades', 'courseSourcedId', 'classCode', 'classType', 'location', 'schoolSourcedId', 'termSourcedIds', 'subjects', 'subjectCodes', 'periods'],
  users: ['sourcedId', 'status', 'dateLastModified', 'enabledUser', 'username', 'userIds', 'givenName', 'familyName', 'middleName', 'identifier', 'email', 'sms', 'phone', 'agentSourcedIds', 'grades', 'password', 'userMasterIdentifier', 'resourceSourcedIds', 'preferredGivenName', 'preferredMiddleName', 'preferredFamilyName', 'primaryOrgSourcedId', 'pronouns'],
  roles: ['sourcedId', 'status', 'dateLastModified', 'userSourcedId', 'roleType', 'role', 'beginDate', 'endDate', 'orgSourcedId', 'userProfileSourcedId'],
  enrollments: ['sourcedId', 'status', 'dateLastModified', 'classSourcedId', 'schoolSourcedId', 'userSourcedId', 'role', 'primary', 'beginDate', 'endDate'],
} as const;

type FileName = keyof typeof ONEROSTER_COLUMNS;
const ABSENT = ['classResources', 'courseResources', 'demographics', 'resources', 'scoreScales', 'lineItemScoreScales', 'resultScoreScales', 'lineItemLearningObjectiveIds', 'resultLearningObjectiveIds', 'userProfiles', 'userResources'];

function manifest(gradebook: boolean): string {
  const rows: Array<[string, string]> = [
    ['manifest.version', '1.0'],
    ['oneroster.version', '1.2'],
    ...(Object.keys(ONEROSTER_COLUMNS) as FileName[]).map((f): [string, string] => [`file.${f}`, 'bulk']),
    ...(Object.keys(GRADEBOOK_COLUMNS) as GradebookFile[]).map((f): [string, string] => [`file.${f}`, gradebook ? 'bulk' : 'absent']),
    ...ABSENT.map((f): [string, string] => [`file.${f}`, 'absent']),
    ['source.systemName', 'SIS bot (Telegram School Information System)'],
    ['source.systemCode', 'sis-telegram'],
  ];
  return csvLine(['propertyName', 'value']) + rows.map((r) => csvLine(r)).join('');
}

const grade = (g: unknown) => String(g).padStart(2, '0');
const iso = (d: unknown) => new Date(d as string).toISOString();

function splitName(nameKm: string, nameEn: string | null): { family: string; given: string } {
  const name = (nameKm || nameEn || '').trim();
  const i = name.indexOf(' ');
  return i < 0 ? { family: name, given: name } : { family: name.slice(0, i), given: name.slice(i + 1).trim() };
}

type Row = Record<string, unknown> & { k: number };

/** Every file's lines, header first, read in batches. */
async function* fileLines(database: Database, scope: ExportScope, file: FileName, stamp: string): AsyncGenerator<string> {
  yield csvLine(ONEROSTER_COLUMNS[file]);
  const inScope = scopeWhere(scope);
  const line = (cells: Array<string | number | boolean | null>) => csvLine(cells);
  switch (file) {
    case 'orgs': {
      yield line(['moeys', 'active', stamp, 'Ministry of Education, Youth and Sport', 'national', 'KH', '']);
      for await (const p of batches<Row>(database, (after) => sql`select p.id as k, p.code, p.name_en from provinces p where p.id > ${after} and exists (select 1 from schools s where s.province_id = p.id and ${inScope}) order by p.id limit ${BATCH}`)) {
        yield line([`province-${p.code}`, 'active', stamp, String(p.name_en), 'state', String(p.code), 'moeys']);
      }
      for await (const s of batches<Row>(database, (after) => sql`select s.id as k, s.code, s.name_en, s.created_at, p.code as p_code from (select * from schools s where s.id > ${after} and ${schoolIdIn(scope, sql`s.id`)} order by s.id limit ${BATCH}) s join provinces p on p.id = s.province_id order by s.id`)) {
        yield line([`school-${s.code}`, 'active', iso(s.created_at), String(s.name_en), 'school', String(s.code), `province-${s.p_code}`]);
      }
      return;
    }
    case 'academicSessions': {
      for await (const y of batches<Row>(database, (after) => sql`select y.id as k, y.name, y.starts_on::text as starts, y.ends_on::text as ends, s.code from (select * from academic_years y where y.id > ${after} and ${schoolIdIn(scope, sql`y.school_id`)} order by y.id limit ${BATCH}) y join schools s on s.id = y.school_id order by y.id`)) {
        yield line([`year-${y.k}`, 'active', stamp, `${y.name} (${y.code})`, 'schoolYear', String(y.starts), String(y.ends), '', String(y.ends).slice(0, 4)]);
      }
      return;
    }
    case 'courses': {
      // one course per grade of a school year: keyed by the year and the grade
      for await (const c of batches<Row>(database, (after) => sql`select min(c.id) as k, c.academic_year_id as year, c.grade, s.code from classes c join schools s on s.id = c.school_id join provinces p on p.id = s.province_id where ${inScope} group by c.academic_year_id, c.grade, s.code having min(c.id) > ${after} order by min(c.id) limit ${BATCH}`)) {
        yield line([`course-${c.year}-${grade(c.grade)}`, 'active', stamp, `year-${c.year}`, `Grade ${c.grade}`, `G${grade(c.grade)}`, grade(c.grade), `school-${c.code}`, '', '']);
      }
      return;
    }
    case 'classes': {
      for await (const c of batches<Row>(database, (after) => sql`select c.id as k, c.name, c.grade, c.shift, c.academic_year_id as year, s.code from (select * from classes c where c.id > ${after} and ${schoolIdIn(scope, sql`c.school_id`)} order by c.id limit ${BATCH}) c join schools s on s.id = c.school_id order by c.id`)) {
        yield line([`class-${c.k}`, 'active', stamp, `${c.name} (${c.shift})`, grade(c.grade), `course-${c.year}-${grade(c.grade)}`, String(c.name), 'homeroom', '', `school-${c.code}`, `year-${c.year}`, '', '', '']);
      }
      return;
    }
    case 'users':
    case 'roles':
    case 'enrollments': {
      for await (const u of batches<Row>(database, (after) => sql`select st.id as k, st.student_code, st.name_km, st.name_en, st.active, st.updated_at, st.class_id, c.grade, s.code from (select * from students st where st.id > ${after} and ${schoolIdIn(scope, sql`st.school_id`)} order by st.id limit ${BATCH}) st join schools s on s.id = st.school_id left join classes c on c.id = st.class_id order by st.id`)) {
        const id = `student-${u.k}`;
        const status = u.active ? 'active' : 'tobedeleted';
        const when = iso(u.updated_at);
        if (file === 'users') {
          const n = splitName(String(u.name_km), (u.name_en as string | null) ?? null);
          yield line([id, status, when, 'false', String(u.student_code), '', n.given, n.family, '', String(u.student_code), '', '', '', '', u.grade === null ? '' : grade(u.grade), '', '', '', '', '', '', `school-${u.code}`, '']);
        } else if (file === 'roles') {
          yield line([`role-${id}`, status, when, id, 'primary', 'student', '', '', `school-${u.code}`, '']);
        } else if (u.class_id !== null) {
          yield line([`enr-${id}-${u.class_id}`, status, when, `class-${u.class_id}`, `school-${u.code}`, id, 'student', 'false', '', '']);
        }
      }
      for await (const t of batches<Row>(database, (after) => sql`select t.id as k, t.staff_code, t.name_km, t.name_en, t.active, s.code, (select string_agg(c.id::text, ' ') from classes c where c.homeroom_staff_id = t.id) as classes from (select * from staff t where t.id > ${after} and ${schoolIdIn(scope, sql`t.school_id`)} and exists (select 1 from staff_roles r where r.staff_id = t.id and r.role = 'teacher') order by t.id limit ${BATCH}) t join schools s on s.id = t.school_id order by t.id`)) {
        const id = `teacher-${t.k}`;
        const status = t.active ? 'active' : 'tobedeleted';
        if (file === 'users') {
          const n = splitName(String(t.name_km), (t.name_en as string | null) ?? null);
          yield line([id, status, stamp, 'false', String(t.staff_code), '', n.given, n.family, '', String(t.staff_code), '', '', '', '', '', '', '', '', '', '', '', `school-${t.code}`, '']);
        } else if (file === 'roles') {
          yield line([`role-${id}`, status, stamp, id, 'primary', 'teacher', '', '', `school-${t.code}`, '']);
        } else {
          for (const cls of String(t.classes ?? '').split(' ').filter(Boolean)) yield line([`enr-${id}-${cls}`, status, stamp, `class-${cls}`, `school-${t.code}`, id, 'teacher', 'true', '', '']);
        }
      }
      return;
    }
  }
}

/** Lines joined into chunks of ~64 KB, so the ZIP is fed big writes. */
async function* chunked(lines: AsyncGenerator<string>): AsyncGenerator<Buffer> {
  let buf = '';
  for await (const l of lines) {
    buf += l;
    if (buf.length >= 65_536) {
      yield Buffer.from(buf);
      buf = '';
    }
  }
  if (buf) yield Buffer.from(buf);
}

/** The ZIP as a stream; pipe it to a file or an upload. */
export function oneRosterZip(database: Database, scope: ExportScope, now = new Date()): Readable {
  const zip = archiver('zip', { zlib: { level: 6 } });
  const stamp = now.toISOString();
  // Gradebook files only when the scope has scores (the manifest says which files are there).
  scopeHasScores(database, scope).then(
    (gradebook) => {
      zip.append(manifest(gradebook), { name: 'manifest.csv', date: now });
      for (const file of Object.keys(ONEROSTER_COLUMNS) as FileName[]) {
        zip.append(Readable.from(chunked(fileLines(database, scope, file, stamp))), { name: `${file}.csv`, date: now });
      }
      if (gradebook) {
        for (const file of Object.keys(GRADEBOOK_COLUMNS) as GradebookFile[]) {
          zip.append(Readable.from(chunked(gradebookLines(database, scope, file, stamp))), { name: `${file}.csv`, date: now });
        }
      }
      void zip.finalize();
    },
    (err: unknown) => zip.destroy(err as Error),
  );
  return zip;
}
