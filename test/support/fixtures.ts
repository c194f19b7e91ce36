import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../src/core/db/client.js';
import { importStaff, importStudents, type Notifier } from '../../src/roster/service.js';
import { addSchool } from '../../src/schools/service.js';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/demo-school');

export function fixtureFile(name: string): { name: string; bytes: Uint8Array } {
  return { name, bytes: readFileSync(path.join(FIXTURES, name)) };
}

export function csvFile(name: string, text: string): { name: string; bytes: Uint8Array } {
  return { name, bytes: Buffer.from(text, 'utf8') };
}

/** The sample school (scripts/demo-school), imported as an operator would. */
export async function loadDemoSchool(db: Db, notifier?: Notifier, code = 'DEMO-001'): Promise<void> {
  await addSchool(db, { code, nameKm: 'សាលាគំរូ', nameEn: 'Demo School', province: 'PP' }, 'cli');
  const s = await importStudents(db, { schoolCode: code, file: fixtureFile('students.csv'), actor: 'cli', notifier });
  if (!s.ok) throw new Error(`students fixture failed: ${JSON.stringify(s.errors.slice(0, 3))}`);
  const t = await importStaff(db, { schoolCode: code, file: fixtureFile('staff.csv'), actor: 'cli', notifier });
  if (!t.ok) throw new Error(`staff fixture failed: ${JSON.stringify(t.errors.slice(0, 3))}`);
}
