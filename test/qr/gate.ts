/** Test setup shared by the scanning tests: cards for every student, and a gate keeper. */
import { sql } from 'drizzle-orm';
import type { TestApp } from '../support/app.js';

export async function issueAllCards(app: TestApp): Promise<void> {
  await app.database.db.execute(sql`insert into student_cards (student_id, school_id, issued_by) select id, school_id, 'test' from students on conflict do nothing`);
}

/** A gate keeper on the roster of a school (the demo roster has none); they link by sharing this phone. */
export async function addGatekeeper(app: TestApp, schoolCode: string, phoneE164: string): Promise<number> {
  const [school] = await app.database.rows<{ id: number }>(sql`select id from schools where code = ${schoolCode}`);
  const schoolId = Number(school!.id);
  await app.database.db.execute(sql`
    with s as (insert into staff (school_id, staff_code, name_km, name_en, sex, phone)
               values (${schoolId}, ${`GATE-${phoneE164.slice(-4)}`}, 'យាម ទ្វារ', 'Gate Keeper', 'M', ${phoneE164}) returning id)
    insert into staff_roles (staff_id, school_id, role) select id, ${schoolId}, 'gatekeeper' from s`);
  return schoolId;
}
