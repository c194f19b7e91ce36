/**
 * A parent's record of disclosures (/privacy): what the school holds about each of their children,
 * and which staff role read it, and when, over the last 90 days — from the audit log, which holds
 * every staff read of a child's record (ids only). Who exactly looked is the school's to answer;
 * the parent sees the role and the day.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../core/db/client.js';
import type { Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';

export const DISCLOSURE_DAYS = 90;

export interface ChildRecord {
  studentId: number;
  nameKm: string;
  nameEn: string | null;
  className: string | null;
  hasDateOfBirth: boolean;
  guardians: number;
  attendanceDays: number;
  /** staff reads, newest first: day (school time zone) and the reader's role at the school */
  reads: Array<{ day: string; role: string; count: number }>;
}

export async function privacyRecord(db: Db, actor: Actor): Promise<ChildRecord[]> {
  if (actor.childIds.length === 0) return [];
  const ids = `{${actor.childIds.join(',')}}`;
  const children = rowsOf<{ id: number; name_km: string; name_en: string | null; class_id: number | null; class_name: string | null; has_dob: boolean; guardians: number; days: number; school_id: number; tz: string }>(
    await db.execute(sql`
      select s.id, s.name_km, s.name_en, s.class_id, c.name as class_name, s.date_of_birth is not null as has_dob, s.school_id, sc.timezone as tz,
             (select count(*)::int from student_guardians sg where sg.student_id = s.id) as guardians,
             (select count(distinct a.day)::int from attendance a where a.student_id = s.id) as days
        from students s join schools sc on sc.id = s.school_id left join classes c on c.id = s.class_id
       where s.id = any(${ids}::bigint[])
       order by s.name_km`),
  );
  const out: ChildRecord[] = [];
  for (const c of children) {
    // Reads of the child's record, and of the class sheet the child is on, by someone other than
    // this parent; the role is the reader's role at the child's school (the widest one).
    const reads = rowsOf<{ day: string; role: string | null; n: number }>(
      await db.execute(sql`
        select to_char(l.at at time zone ${c.tz}, 'YYYY-MM-DD') as day,
               (select r.role::text from staff st join staff_roles r on r.staff_id = st.id
                 where st.school_id = ${c.school_id} and st.active and 'tg:' || st.telegram_user_id = l.actor
                 order by r.role limit 1) as role,
               count(*)::int as n
          from audit_log l
         where l.outcome = 'ok' and l.actor like 'tg:%' and l.actor <> ${actorOf(actor.telegramUserId)}
           and l.at > now() - make_interval(days => ${DISCLOSURE_DAYS})
           and l.action not like 'link.%' and l.action not like 'unlink%'
           and ((l.entity = 'student' and l.entity_id = ${String(c.id)})
                or (l.entity = 'class' and l.entity_id = ${String(c.class_id ?? 0)} and l.school_id = ${c.school_id}))
         group by 1, 2
         order by 1 desc, 2`),
    );
    out.push({
      studentId: Number(c.id),
      nameKm: c.name_km,
      nameEn: c.name_en,
      className: c.class_name,
      hasDateOfBirth: Boolean(c.has_dob),
      guardians: Number(c.guardians),
      attendanceDays: Number(c.days),
      reads: reads.map((r) => ({ day: r.day, role: r.role ?? 'staff', count: Number(r.n) })),
    });
  }
  await audit(db, { actor: actorOf(actor.telegramUserId), action: 'privacy.read', entity: 'student', entityId: actor.childIds.join(',').slice(0, 200) });
  return out;
}
