/**
 * The API's response shapes, as zod schemas: every response is checked against its schema before
 * it is sent, and the OpenAPI document (openapi.ts) is generated from the same schemas, so the
 * document cannot drift from what is served. No schema has a phone number.
 */
import { z } from 'zod';

export const SUPPRESSION_THRESHOLD = 5;

/** A count of students: null when suppressed (1-4 students in an aggregate scope). */
const count = z.number().int().min(0).nullable().meta({ description: `students; null when the cell is suppressed (fewer than ${SUPPRESSION_THRESHOLD}, aggregate tokens)` });

export const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).meta({ id: 'Error' });

export const Suppression = z
  .object({ threshold: z.literal(SUPPRESSION_THRESHOLD), applied: z.boolean(), note: z.string() })
  .meta({ id: 'Suppression', description: 'Aggregate tokens never see a cell of 1-4 students: such counts are null and `suppressed` is true on the row.' });

export const School = z
  .object({
    code: z.string(),
    nameKm: z.string(),
    nameEn: z.string(),
    province: z.object({ code: z.string(), nameKm: z.string(), nameEn: z.string() }),
    district: z.string().nullable(),
    commune: z.string().nullable(),
    level: z.string().nullable(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    updatedAt: z.string().meta({ description: 'ISO 8601; `updated_since` compares with it' }),
  })
  .meta({ id: 'School' });

export const Page = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable().meta({ description: 'pass as `cursor` for the next page; null on the last' }) }).meta({ id });

export const SchoolPage = Page(School, 'SchoolPage');

const statusCounts = { present: count, absent: count, late: count, excused: count, total: count, suppressed: z.boolean() };

export const AttendanceDay = z.object({ date: z.string(), sex: z.enum(['M', 'F']), ...statusCounts }).meta({ id: 'AttendanceDay' });
export const SchoolAttendance = z
  .object({ school: z.string(), from: z.string(), to: z.string(), days: z.array(AttendanceDay), suppression: Suppression })
  .meta({ id: 'SchoolAttendance', description: 'Marks per school day and sex (both shifts).' });

export const SchoolDay = z.object({ school: z.string(), nameEn: z.string(), classes: z.number().int(), submitted: z.number().int(), sex: z.enum(['M', 'F']), ...statusCounts }).meta({ id: 'SchoolDayLine' });
export const ProvinceDay = z
  .object({ province: z.string(), date: z.string(), schools: z.array(SchoolDay), suppression: Suppression })
  .meta({ id: 'ProvinceDay', description: "One day of a province, by school and sex." });

export const Enrolment = z.object({ grade: z.number().int(), sex: z.enum(['M', 'F']), status: z.enum(['active', 'inactive']), students: count, suppressed: z.boolean() }).meta({ id: 'EnrolmentCell' });
export const Enrolments = z.object({ school: z.string(), cells: z.array(Enrolment), suppression: Suppression }).meta({ id: 'Enrolments' });

export const Klass = z.object({ name: z.string(), grade: z.number().int(), section: z.string(), shift: z.enum(['morning', 'afternoon']), students: count, suppressed: z.boolean() }).meta({ id: 'Class' });
export const Classes = z.object({ school: z.string(), academicYear: z.string().nullable(), data: z.array(Klass), suppression: Suppression }).meta({ id: 'Classes' });

/** Ed-Fi's StudentSchoolAttendanceEvent, reduced to what this system knows. */
export const AttendanceEvent = z
  .object({
    studentUniqueId: z.string(),
    schoolId: z.string(),
    sessionName: z.string().meta({ description: 'the academic year, e.g. 2026-2027' }),
    eventDate: z.string(),
    attendanceEventCategoryDescriptor: z.string().meta({ description: 'uri://ed-fi.org/AttendanceEventCategoryDescriptor#In Attendance | Tardy | Excused Absence | Unexcused Absence' }),
    shift: z.enum(['morning', 'afternoon']),
    arrivalTime: z.string().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: 'StudentSchoolAttendanceEvent' });
export const AttendanceEventPage = Page(AttendanceEvent, 'AttendanceEventPage');

export const Province = z.object({ code: z.string(), nameKm: z.string(), nameEn: z.string() }).meta({ id: 'Province' });
export const Provinces = z.object({ data: z.array(Province) }).meta({ id: 'Provinces' });
