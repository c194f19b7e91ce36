/**
 * The API's resources: path, parameters, response schema and handler, in one list that both the
 * server (http.ts) and the OpenAPI document (openapi.ts) read.
 */
import type { z } from 'zod';
import type { Database } from '../core/db/client.js';
import { AttendanceEventPage, Classes, Enrolments, ProvinceDay, Provinces, SchoolAttendance, SchoolPage } from './models.js';
import {
  attendanceEvents,
  BadRequest,
  enrolments,
  listProvinces,
  listSchools,
  provinceDay,
  provinceInScope,
  schoolAttendance,
  schoolByCode,
  schoolClasses,
  schoolInScope,
  type SchoolInScope,
} from './service.js';
import type { ApiToken } from './tokens.js';

export class Forbidden extends Error {}
export class NotFound extends Error {}

export interface QueryParam {
  name: string;
  description: string;
  required?: boolean;
  format?: 'date' | 'date-time' | 'integer';
}

export interface ApiResource {
  name: string;
  /** OpenAPI path, `{param}` for path parameters */
  path: string;
  summary: string;
  query: readonly QueryParam[];
  response: z.ZodType;
  studentLevel?: boolean;
  handle(ctx: { database: Database; token: ApiToken; params: Record<string, string>; query: URLSearchParams }): Promise<unknown>;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

export function dayParam(q: URLSearchParams, name: string, fallback?: string): string {
  const v = q.get(name) ?? fallback;
  if (v === undefined) throw new BadRequest(`${name} is required (YYYY-MM-DD)`);
  const d = new Date(`${v}T00:00:00Z`);
  if (!DAY_RE.test(v) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v) throw new BadRequest(`${name} must be a date YYYY-MM-DD, not "${v}"`);
  return v;
}

function sinceParam(q: URLSearchParams): string | null {
  const v = q.get('updated_since');
  if (v === null) return null;
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) || Number.isNaN(Date.parse(v))) throw new BadRequest(`updated_since must be an ISO 8601 date or date-time, not "${v}"`);
  return new Date(v).toISOString();
}

function limitParam(q: URLSearchParams, max: number): number {
  const v = q.get('limit');
  if (v === null) return Math.min(100, max);
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new BadRequest(`limit must be a whole number from 1 to ${max}`);
  return n;
}

function span(from: string, to: string, maxDays: number) {
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (days < 0) throw new BadRequest('from must not be after to');
  if (days >= maxDays) throw new BadRequest(`at most ${maxDays} days at a time`);
}

async function school(ctx: { database: Database; token: ApiToken; params: Record<string, string> }): Promise<SchoolInScope> {
  const s = await schoolByCode(ctx.database, ctx.params.school!);
  if (!s) throw new NotFound(`no school ${ctx.params.school}`);
  if (!schoolInScope(ctx.token, s)) throw new Forbidden(`school ${s.code} is outside this token's scope`);
  return s;
}

const PAGING: QueryParam[] = [
  { name: 'cursor', description: 'nextCursor of the previous page' },
  { name: 'limit', description: 'page size (default 100)', format: 'integer' },
  { name: 'updated_since', description: 'only what changed after this instant (deltas)', format: 'date-time' },
];
const RANGE: QueryParam[] = [
  { name: 'from', description: 'first day', required: true, format: 'date' },
  { name: 'to', description: 'last day (default: from)', format: 'date' },
];

export const RESOURCES: readonly ApiResource[] = [
  {
    name: 'provinces',
    path: '/provinces',
    summary: "Cambodia's provinces and their codes",
    query: [],
    response: Provinces,
    handle: ({ database }) => listProvinces(database),
  },
  {
    name: 'schools',
    path: '/schools',
    summary: "The schools of the token's scope (registry facts)",
    query: PAGING,
    response: SchoolPage,
    handle: ({ database, token, query }) => listSchools(database, token, { cursor: query.get('cursor'), limit: limitParam(query, 1000), updatedSince: sinceParam(query) }),
  },
  {
    name: 'classes',
    path: '/schools/{school}/classes',
    summary: "A school's classes of the current year with their number of students",
    query: [],
    response: Classes,
    handle: async (ctx) => schoolClasses(ctx.database, ctx.token, await school(ctx)),
  },
  {
    name: 'enrolments',
    path: '/schools/{school}/enrolments',
    summary: 'Students by grade, sex and status',
    query: [],
    response: Enrolments,
    handle: async (ctx) => enrolments(ctx.database, ctx.token, await school(ctx)),
  },
  {
    name: 'school-attendance',
    path: '/schools/{school}/attendance',
    summary: 'Attendance of a school per day and sex (at most 92 days)',
    query: RANGE,
    response: SchoolAttendance,
    handle: async (ctx) => {
      const from = dayParam(ctx.query, 'from');
      const to = dayParam(ctx.query, 'to', from);
      span(from, to, 92);
      return schoolAttendance(ctx.database, ctx.token, await school(ctx), { from, to });
    },
  },
  {
    name: 'attendance-events',
    path: '/schools/{school}/attendance-events',
    summary: 'Ed-Fi StudentSchoolAttendanceEvent per student and shift (student-level tokens only)',
    query: [...RANGE, ...PAGING],
    response: AttendanceEventPage,
    studentLevel: true,
    handle: async (ctx) => {
      const from = dayParam(ctx.query, 'from');
      const to = dayParam(ctx.query, 'to', from);
      span(from, to, 92);
      return attendanceEvents(ctx.database, await school(ctx), { from, to, cursor: ctx.query.get('cursor'), limit: limitParam(ctx.query, 5000), updatedSince: sinceParam(ctx.query) });
    },
  },
  {
    name: 'province-day',
    path: '/provinces/{province}/attendance',
    summary: "One day of a province's attendance, by school and sex",
    query: [{ name: 'date', description: 'the day', required: true, format: 'date' }],
    response: ProvinceDay,
    handle: async (ctx) => {
      const day = dayParam(ctx.query, 'date');
      const code = ctx.params.province!;
      const [known] = (await listProvinces(ctx.database)).data.filter((p) => p.code === code);
      if (!known) throw new NotFound(`no province ${code}`);
      if (!provinceInScope(ctx.token, code)) throw new Forbidden(`province ${code} is outside this token's scope`);
      return provinceDay(ctx.database, ctx.token, code, day);
    },
  },
];

/** The resource of a path under /api/v1 and its path parameters. */
export function matchResource(path: string): { resource: ApiResource; params: Record<string, string> } | undefined {
  for (const resource of RESOURCES) {
    const names: string[] = [];
    const re = new RegExp(`^${resource.path.replace(/\{(\w+)\}/g, (_, n: string) => (names.push(n), '([^/]+)'))}$`);
    const m = re.exec(path);
    if (m) return { resource, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
  }
  return undefined;
}
