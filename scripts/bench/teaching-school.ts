/**
 * A synthetic school for the teaching benchmarks, made the way a school would make it: rosters
 * imported through roster's services, a timetable workbook written in the grid format and
 * imported through the timetable import. `teachers` classes in the morning shift with six
 * periods a day, Monday–Saturday; each teacher teaches every period, rotating over the classes
 * (so a shift end is `teachers × 6` lessons and every teacher has 36 a week).
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/core/db/client.js';
import type { Notifier } from '../../src/core/i18n/index.js';
import { importStaff, importStudents } from '../../src/roster/service.js';
import { addSchool } from '../../src/schools/service.js';
import { setTeachingSettings } from '../../src/teaching/settings.js';
import { SCHOOL_WEEK, writeTimetableWorkbook, type SheetPlan } from '../../src/teaching/timetable-workbook.js';
import { importTimetable } from '../../src/teaching/timetable.js';

export const PERIODS = 6;
const SUBJECTS = ['maths', 'khmer', 'english', 'science', 'history', 'geography', 'physics', 'chemistry'];
const TIMES = ['07:00-07:40', '07:40-08:20', '08:20-09:00', '09:10-09:50', '09:50-10:30', '10:30-11:10'].map((s) => ({ starts: s.slice(0, 5), ends: s.slice(6) }));

export function className(c: number): string {
  return `${(c % 12) + 1}${String.fromCharCode(65 + Math.floor(c / 12))}`;
}

/** The grid of `classes` classes taught by `teachers` teachers (teachers ≥ classes: no clash). */
export function benchPlans(classes: number, teachers: number, opts: { clashes?: number } = {}): SheetPlan[] {
  const plans: SheetPlan[] = [];
  for (let c = 0; c < classes; c++) {
    const cells = new Map<string, string>();
    for (const day of SCHOOL_WEEK) {
      for (let p = 1; p <= PERIODS; p++) {
        const teacher = (c + p + day) % teachers;
        cells.set(`${day}:${p}`, `${SUBJECTS[(c + p) % SUBJECTS.length]} / B${String(teacher).padStart(3, '0')}`);
      }
    }
    plans.push({ className: className(c), shift: 'morning', periods: TIMES, cells });
  }
  // A clash: class 1's Monday first period given to class 0's teacher then.
  for (let k = 0; k < (opts.clashes ?? 0); k++) plans[2 * k + 1]!.cells.set('1:1', plans[2 * k]!.cells.get('1:1')!);
  return plans;
}

export async function seedTeachingSchool(database: Database, notifier: Notifier, opts: { code: string; teachers: number; classes?: number; linkTelegramFrom?: number }): Promise<{ schoolId: number; workbook: Buffer }> {
  const { db } = database;
  const classes = opts.classes ?? opts.teachers;
  await addSchool(db, { code: opts.code, nameKm: 'សាលាសាកល្បង', nameEn: 'Bench School', province: 'PP' }, 'cli');
  const students = ['class,shift,student_code,name_km,name_en,sex,date_of_birth,guardian_name,guardian_phone,guardian_relation'];
  for (let c = 0; c < classes; c++) for (let i = 0; i < 2; i++) students.push(`${className(c)},morning,S-${c}-${i},សិស្ស ${c} ${i},Student ${c} ${i},${i ? 'F' : 'M'},2014-01-01,ម្តាយ,0${12000000 + c * 2 + i},mother`);
  const staff = ['staff_code,name_km,name_en,sex,phone,role,homeroom_class,subjects', 'P-0,នាយក,Principal,F,076000000,principal,,'];
  for (let t = 0; t < opts.teachers; t++) staff.push(`B${String(t).padStart(3, '0')},គ្រូ ${t},Teacher ${t},${t % 2 ? 'F' : 'M'},0${77000000 + t},teacher,${t < classes ? className(t) : ''},`);
  const s = await importStudents(db, { schoolCode: opts.code, file: { name: 's.csv', bytes: Buffer.from(students.join('\n')) }, actor: 'cli' });
  const st = await importStaff(db, { schoolCode: opts.code, file: { name: 't.csv', bytes: Buffer.from(staff.join('\n')) }, actor: 'cli' });
  if (!s.ok || !st.ok) throw new Error(`roster import failed: ${JSON.stringify(s.ok ? st : s).slice(0, 300)}`);
  const [school] = await database.rows<{ id: number }>(sql`select id from schools where code = ${opts.code}`);
  const schoolId = Number(school!.id);
  await setTeachingSettings(db, schoolId, { weeklyCap: 40 }, 'cli');
  if (opts.linkTelegramFrom !== undefined) {
    await database.rows(sql`update staff set telegram_user_id = ${opts.linkTelegramFrom} + id where school_id = ${schoolId}`);
    await database.rows(sql`insert into telegram_accounts (telegram_user_id, locale) select telegram_user_id, 'km'::locale from staff where school_id = ${schoolId} on conflict do nothing`);
  }
  const workbook = await writeTimetableWorkbook(benchPlans(classes, opts.teachers), 'km', notifier.t, 'Bench School');
  return { schoolId, workbook };
}

export async function importBenchTimetable(database: Database, notifier: Notifier, schoolId: number, workbook: Uint8Array, validFrom: string) {
  return importTimetable(database.db, { schoolId, fileName: 'bench.xlsx', bytes: workbook, validFrom, actor: 'cli', t: notifier.t });
}
