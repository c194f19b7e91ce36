/**
 * Roster files (students, staff): every row of a file read (read.ts) and checked (values.ts) into
 * the rows an import writes, or every problem found. Pure: no database, no grammY. The caller
 * decides what to do with the rows.
 */
import { prepareTable, readTable } from './read.js';
import {
  CODE_RE,
  ErrorSink,
  MAX_NAME_LENGTH,
  MIN_BIRTH_DATE,
  parseClassName,
  parseDate,
  parseRole,
  parseSex,
  parseShift,
  phoneNormaliser,
  STAFF_REQUIRED_COLUMNS,
  STUDENT_REQUIRED_COLUMNS,
  todayInCambodia,
  type Guardian,
  type Role,
  type RosterErrorCode,
  type RosterFile,
  type RosterParseOptions,
  type RosterParseResult,
  type Sex,
  type Shift,
  type StaffColumn,
  type StaffRow,
  type StudentColumn,
  type StudentRow,
} from './values.js';

// What importers of the roster's parsing use, wherever it lives now.
export {
  cleanText,
  MAX_DATA_ROWS,
  MAX_NAME_LENGTH,
  MAX_ERRORS,
  parseClassName,
  parseDate,
  ROSTER_ERROR_CODES,
  rosterErrorText,
  STAFF_COLUMNS,
  STAFF_REQUIRED_COLUMNS,
  STUDENT_COLUMNS,
  STUDENT_REQUIRED_COLUMNS,
  type Guardian,
  type Role,
  type RosterError,
  type RosterErrorCode,
  type RosterFile,
  type RosterParseOptions,
  type RosterParseResult,
  type Sex,
  type Shift,
  type StaffRow,
  type StudentRow,
} from './values.js';
export { excelValueToString } from './read.js';

// ---------------------------------------------------------------------------------------------
// Students

export async function parseStudentRoster(
  file: RosterFile,
  options: RosterParseOptions = {},
): Promise<RosterParseResult<StudentRow>> {
  const prepared = prepareTable<StudentColumn>(await readTable(file), STUDENT_REQUIRED_COLUMNS);
  if (!prepared.ok) return prepared;
  const t = prepared.table;
  const today = options.today ?? todayInCambodia();
  const sink = new ErrorSink();
  const phone = phoneNormaliser();
  const codes = new Map<string, number>();
  const classShift = new Map<string, { shift: Shift; row: number }>();
  const out: StudentRow[] = [];

  for (const r of t.data) {
    const n = r.row;
    let ok = true;
    const fail = (code: RosterErrorCode, column: StudentColumn, value?: string) => {
      ok = false;
      sink.add(n, code, column, value);
    };
    const get = (c: StudentColumn) => t.get(r, c);

    // class
    const classRaw = get('class');
    const cls = classRaw === '' ? null : parseClassName(classRaw);
    if (classRaw === '') fail('required', 'class');
    else if (!cls) fail('bad-class', 'class', classRaw);

    // shift
    const shiftRaw = get('shift');
    const shift = shiftRaw === '' ? undefined : parseShift(shiftRaw);
    if (shiftRaw === '') fail('required', 'shift');
    else if (!shift) fail('bad-shift', 'shift', shiftRaw);

    if (cls && shift) {
      const first = classShift.get(cls.className);
      if (!first) classShift.set(cls.className, { shift, row: n });
      else if (first.shift !== shift) fail('class-shift-conflict', 'shift', `${cls.className} (row ${first.row})`);
    }

    // student_code
    const code = get('student_code');
    if (code === '') fail('required', 'student_code');
    else if (!CODE_RE.test(code)) fail('bad-code', 'student_code', code);
    else {
      const first = codes.get(code);
      if (first === undefined) codes.set(code, n);
      else fail('duplicate-code', 'student_code', `${code} (row ${first})`);
    }

    // names
    const nameKm = get('name_km');
    if (nameKm === '') fail('required', 'name_km');
    const nameEn = get('name_en') || null;
    for (const col of ['name_km', 'name_en', 'guardian_name', 'guardian_relation', 'guardian2_name', 'guardian2_relation'] as const) {
      const v = get(col);
      if (v.length > MAX_NAME_LENGTH) fail('too-long', col, `${v.slice(0, 20)}…`);
    }

    // sex
    const sexRaw = get('sex');
    const sex = sexRaw === '' ? undefined : parseSex(sexRaw);
    if (sexRaw === '') fail('required', 'sex');
    else if (!sex) fail('bad-sex', 'sex', sexRaw);

    // date_of_birth
    const dobRaw = get('date_of_birth');
    let dateOfBirth: string | null = null;
    if (dobRaw !== '') {
      dateOfBirth = parseDate(dobRaw, t.isNumeric(r, 'date_of_birth'));
      if (!dateOfBirth || dateOfBirth < MIN_BIRTH_DATE || dateOfBirth > today) {
        dateOfBirth = null;
        fail('bad-date', 'date_of_birth', dobRaw);
      }
    }

    // guardian 1
    const guardians: Guardian[] = [];
    const g1PhoneRaw = get('guardian_phone');
    const g1 = phone(g1PhoneRaw);
    if (g1.ok) {
      guardians.push({
        name: get('guardian_name') || null,
        phone: g1.e164,
        relation: get('guardian_relation').toLowerCase() || 'guardian',
      });
    } else if (g1.reason === 'empty') fail('required', 'guardian_phone');
    else fail(g1.reason === 'not-cambodian' ? 'not-cambodian-phone' : 'bad-phone', 'guardian_phone', g1PhoneRaw);

    // guardian 2 (optional, but complete when started)
    const g2Name = get('guardian2_name');
    const g2PhoneRaw = get('guardian2_phone');
    const g2Relation = get('guardian2_relation');
    if (g2Name !== '' || g2PhoneRaw !== '' || g2Relation !== '') {
      const g2 = phone(g2PhoneRaw);
      if (g2.ok) {
        if (!(g1.ok && g1.e164 === g2.e164)) {
          guardians.push({ name: g2Name || null, phone: g2.e164, relation: g2Relation.toLowerCase() || 'guardian' });
        }
      } else if (g2.reason === 'empty') fail('required', 'guardian2_phone');
      else fail(g2.reason === 'not-cambodian' ? 'not-cambodian-phone' : 'bad-phone', 'guardian2_phone', g2PhoneRaw);
    }

    if (ok && cls && shift && sex) {
      out.push({
        rowNumber: n,
        className: cls.className,
        grade: cls.grade,
        section: cls.section,
        shift,
        studentCode: code,
        nameKm,
        nameEn,
        sex,
        dateOfBirth,
        guardians,
      });
    }
  }

  return sink.empty ? { ok: true, rows: out } : { ok: false, errors: sink.errors() };
}

// ---------------------------------------------------------------------------------------------
// Staff

export async function parseStaffRoster(file: RosterFile): Promise<RosterParseResult<StaffRow>> {
  const prepared = prepareTable<StaffColumn>(await readTable(file), STAFF_REQUIRED_COLUMNS);
  if (!prepared.ok) return prepared;
  const t = prepared.table;
  const sink = new ErrorSink();
  const phone = phoneNormaliser();
  const codes = new Map<string, number>();
  const phones = new Map<string, number>();
  const out: StaffRow[] = [];

  for (const r of t.data) {
    const n = r.row;
    let ok = true;
    const fail = (code: RosterErrorCode, column: StaffColumn, value?: string) => {
      ok = false;
      sink.add(n, code, column, value);
    };
    const get = (c: StaffColumn) => t.get(r, c);

    const code = get('staff_code');
    if (code === '') fail('required', 'staff_code');
    else if (!CODE_RE.test(code)) fail('bad-code', 'staff_code', code);
    else {
      const first = codes.get(code);
      if (first === undefined) codes.set(code, n);
      else fail('duplicate-code', 'staff_code', `${code} (row ${first})`);
    }

    const nameKm = get('name_km');
    if (nameKm === '') fail('required', 'name_km');
    const nameEn = get('name_en') || null;
    for (const col of ['name_km', 'name_en'] as const) {
      const v = get(col);
      if (v.length > MAX_NAME_LENGTH) fail('too-long', col, `${v.slice(0, 20)}…`);
    }

    const sexRaw = get('sex');
    let sex: Sex | null = null;
    if (sexRaw !== '') {
      sex = parseSex(sexRaw) ?? null;
      if (!sex) fail('bad-sex', 'sex', sexRaw);
    }

    const phoneRaw = get('phone');
    let e164: string | null = null;
    if (phoneRaw !== '') {
      const p = phone(phoneRaw);
      if (p.ok) {
        e164 = p.e164;
        const first = phones.get(e164);
        if (first === undefined) phones.set(e164, n);
        else fail('duplicate-phone', 'phone', `${phoneRaw} (row ${first})`);
      } else fail(p.reason === 'not-cambodian' ? 'not-cambodian-phone' : 'bad-phone', 'phone', phoneRaw);
    }

    const roles: Role[] = [];
    const roleTokens = get('role')
      .split(/[;,|]/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (roleTokens.length === 0) fail('required', 'role');
    for (const token of roleTokens) {
      const role = parseRole(token);
      if (!role) fail('bad-role', 'role', token);
      else if (!roles.includes(role)) roles.push(role);
    }

    const homeroomRaw = get('homeroom_class');
    let homeroomClass: string | null = null;
    if (homeroomRaw !== '') {
      homeroomClass = parseClassName(homeroomRaw)?.className ?? null;
      if (!homeroomClass) fail('bad-class', 'homeroom_class', homeroomRaw);
    }

    const subjects = get('subjects')
      .split(/[;,]/)
      .map((s) => s.trim())
      .filter((s) => s !== '');

    if (ok) {
      out.push({ rowNumber: n, staffCode: code, nameKm, nameEn, sex, phone: e164, roles, homeroomClass, subjects });
    }
  }

  return sink.empty ? { ok: true, rows: out } : { ok: false, errors: sink.errors() };
}
