/**
 * The sample school (DEMO-001) that ships in scripts/demo-school: loaded by `npm run cli -- demo`,
 * by `npm run try`, and by the tests, the same way an operator would import it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../core/db/client.js';
import type { Notifier } from '../core/i18n/index.js';
import { addSchool, type NewSchool } from '../schools/service.js';
import { importStaff, importStudents, type ImportResult, type StaffImportSummary, type StudentImportSummary } from './service.js';

export const DEMO_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/demo-school');

export const DEMO_SCHOOL: NewSchool = {
  code: 'DEMO-001',
  nameKm: 'សាលាបឋម និងអនុវិទ្យាល័យគំរូ',
  nameEn: 'Demo Primary and Lower Secondary School',
  province: 'PP',
  provinceNameKm: 'ភ្នំពេញ',
  provinceNameEn: 'Phnom Penh',
};

export interface DemoLoad {
  students: ImportResult<StudentImportSummary>;
  staff?: ImportResult<StaffImportSummary>;
}

/** Adds the school (or updates it) and imports students, then staff; stops at a refused file. */
export async function loadDemoSchool(
  db: Db,
  opts: { fixtures?: string; notifier?: Notifier; school?: Partial<NewSchool> } = {},
): Promise<DemoLoad> {
  const dir = opts.fixtures ?? DEMO_FIXTURES;
  const school = { ...DEMO_SCHOOL, ...opts.school };
  await addSchool(db, school, 'cli');
  // A second sample school gets its own codes (DEMO-002-S00001…): the same student code in two
  // schools is one child moving between them (a transfer), which two copies of a sample are not.
  const file = async (name: string) => {
    const bytes = await readFile(path.join(dir, name));
    if (school.code === DEMO_SCHOOL.code) return { name, bytes };
    return { name, bytes: Buffer.from(bytes.toString('utf8').replaceAll(`${DEMO_SCHOOL.code}-`, `${school.code}-`), 'utf8') };
  };
  const students = await importStudents(db, { schoolCode: school.code, file: await file('students.csv'), actor: 'cli', notifier: opts.notifier });
  if (!students.ok) return { students };
  const staff = await importStaff(db, { schoolCode: school.code, file: await file('staff.csv'), actor: 'cli', notifier: opts.notifier });
  return { students, staff };
}
