import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../../src/core/db/client.js';
import type { Notifier } from '../../src/roster/service.js';
import { DEMO_FIXTURES, loadDemoSchool as loadDemo } from '../../src/roster/demo.js';

export const FIXTURES = DEMO_FIXTURES;

export function fixtureFile(name: string): { name: string; bytes: Uint8Array } {
  return { name, bytes: readFileSync(path.join(FIXTURES, name)) };
}

export function csvFile(name: string, text: string): { name: string; bytes: Uint8Array } {
  return { name, bytes: Buffer.from(text, 'utf8') };
}

/** The sample school (scripts/demo-school), imported as an operator would. */
export async function loadDemoSchool(db: Db, notifier?: Notifier, code = 'DEMO-001'): Promise<void> {
  const loaded = await loadDemo(db, { notifier, school: { code, nameKm: 'សាលាគំរូ', nameEn: 'Demo School' } });
  if (!loaded.students.ok) throw new Error(`students fixture failed: ${JSON.stringify(loaded.students.errors.slice(0, 3))}`);
  if (!loaded.staff?.ok) throw new Error(`staff fixture failed: ${JSON.stringify(loaded.staff)}`);
}
