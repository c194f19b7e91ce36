/**
 * Attendance as Ed-Fi StudentSchoolAttendanceEvent records (JSON lines, or CSV with the same
 * fields flattened), streamed school by school and day by day. Ed-Fi's categories: present →
 * In Attendance, late → Tardy, excused → Excused Absence, absent → Unexcused Absence.
 */
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { Database } from '../core/db/client.js';
import { EDFI_CATEGORY } from '../api/service.js';
import { BATCH, batches, csvLine } from './csv.js';
import { scopeWhere, type ExportScope } from './scope.js';

export const EDFI_CSV_COLUMNS = ['studentUniqueId', 'schoolId', 'sessionName', 'eventDate', 'attendanceEventCategoryDescriptor', 'arrivalTime', 'shift', 'lastModifiedDate'] as const;

export interface EdFiEvent {
  studentReference: { studentUniqueId: string };
  schoolReference: { schoolId: string };
  sessionReference: { schoolId: string; sessionName: string; schoolYear: number };
  eventDate: string;
  attendanceEventCategoryDescriptor: string;
  arrivalTime: string | null;
  _ext: { sis: { shift: string } };
  _lastModifiedDate: string;
}

async function* events(database: Database, scope: ExportScope, from: string, to: string): AsyncGenerator<EdFiEvent> {
  for await (const s of batches<{ k: number; code: string }>(database, (after) => sql`select s.id as k, s.code from schools s join provinces p on p.id = s.province_id where s.id > ${after} and ${scopeWhere(scope)} order by s.id limit ${BATCH}`)) {
    const days = await database.rows<{ day: string }>(sql`select distinct to_char(day, 'YYYY-MM-DD') as day from attendance where school_id = ${s.k} and day between ${from}::date and ${to}::date order by 1`);
    for (const { day } of days) {
      const rows = await database.rows<Record<string, unknown>>(
        sql`select st.student_code, a.status, a.arrived_at, a.shift, a.updated_at, y.name as year, to_char(y.ends_on, 'YYYY') as ends
              from attendance a join students st on st.id = a.student_id join classes c on c.id = a.class_id join academic_years y on y.id = c.academic_year_id
             where a.school_id = ${s.k} and a.day = ${day}::date order by st.student_code, a.shift`,
      );
      for (const r of rows) {
        yield {
          studentReference: { studentUniqueId: String(r.student_code) },
          schoolReference: { schoolId: s.code },
          sessionReference: { schoolId: s.code, sessionName: String(r.year), schoolYear: Number(r.ends) },
          eventDate: day,
          attendanceEventCategoryDescriptor: EDFI_CATEGORY[String(r.status)]!,
          arrivalTime: (r.arrived_at as string | null) ?? null,
          _ext: { sis: { shift: String(r.shift) } },
          _lastModifiedDate: new Date(r.updated_at as string).toISOString(),
        };
      }
    }
  }
}

export function attendanceExport(database: Database, scope: ExportScope, opts: { from: string; to: string; format: 'jsonl' | 'csv' }): Readable {
  async function* lines() {
    let buf = opts.format === 'csv' ? csvLine(EDFI_CSV_COLUMNS) : '';
    for await (const e of events(database, scope, opts.from, opts.to)) {
      buf +=
        opts.format === 'jsonl'
          ? `${JSON.stringify(e)}\n`
          : csvLine([e.studentReference.studentUniqueId, e.schoolReference.schoolId, e.sessionReference.sessionName, e.eventDate, e.attendanceEventCategoryDescriptor, e.arrivalTime, e._ext.sis.shift, e._lastModifiedDate]);
      if (buf.length >= 65_536) {
        yield Buffer.from(buf);
        buf = '';
      }
    }
    if (buf) yield Buffer.from(buf);
  }
  return Readable.from(lines());
}
