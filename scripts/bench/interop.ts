/**
 * Interoperability at national scale.
 *  - The national OneRoster export at two sizes (BENCH_EXPORT_SMALL / BENCH_EXPORT_LARGE students;
 *    default 330,000 and 3,300,000, in schools of 300): time and peak RSS of the exporting process
 *    (a child process doing only the export). Memory must not grow with the students: ≤ 300 MB
 *    at both sizes.
 *  - The read API over HTTP on 1,000 schools × 300 students × 22 days in one province: a school's
 *    month of attendance (p95 ≤ 50 ms) and the province's day by school (≤ 1 s).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { apiRoute } from '../../src/api/http.js';
import { issueToken } from '../../src/api/tokens.js';
import { createHttpServer } from '../../src/core/telegram/webhook.js';
import { createLogger } from '../../src/core/logger.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { seedSchools } from './synthetic.js';
import type { Bench, BenchResult, Figure } from './types.js';
import { fmt, int, percentile } from './types.js';

const SMALL = Number(process.env.BENCH_EXPORT_SMALL ?? 330_000);
const LARGE = Number(process.env.BENCH_EXPORT_LARGE ?? 3_300_000);
const API_SCHOOLS = Number(process.env.BENCH_API_SCHOOLS ?? 1000);
const PER_SCHOOL = 300;

async function dbUrl(database: TestDatabase): Promise<string> {
  const [row] = await database.rows<{ db: string }>(sql`select current_database() as db`);
  const url = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${row!.db}`;
  return url.toString();
}

async function exportAt(students: number, dir: string) {
  const database = await createTestDatabase({ max: 4 });
  try {
    const seed = await seedSchools(database, { schools: Math.ceil(students / PER_SCHOOL), studentsPerSchool: PER_SCHOOL, classSize: 40, month: '2026-10', days: 0, shifts: 2, provinceCode: '03', log: (l) => console.error(l) });
    const out = path.join(dir, `oneroster-${students}.zip`);
    const line = execFileSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'interop-export-child.ts'), await dbUrl(database), out], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const r = JSON.parse(line.trim().split('\n').at(-1)!) as { ms: number; maxRssMb: number; bytes: number };
    return { ...r, students: seed.students, seedSeconds: seed.seconds };
  } finally {
    await database.drop();
  }
}

async function api() {
  const database = await createTestDatabase({ max: 10 });
  try {
    const seed = await seedSchools(database, { schools: API_SCHOOLS, studentsPerSchool: PER_SCHOOL, classSize: 40, month: '2026-10', days: 22, shifts: 2, provinceCode: '03', log: (l) => console.error(l) });
    const { token } = await issueToken(database.db, { name: 'bench', scope: { kind: 'province', code: '03' }, level: 'aggregate' }, 'bench');
    const server = createHttpServer([apiRoute({ database, log: createLogger('silent'), ratePerMinute: 1_000_000 })]);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
    const codes = await database.rows<{ code: string }>(sql`select code from schools order by random() limit 100`);
    const get = async (p: string) => {
      const t0 = performance.now();
      const res = await fetch(`${base}${p}`, { headers: { authorization: `Bearer ${token}` } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${p}: ${res.status} ${body}`);
      return { ms: performance.now() - t0, bytes: body.length };
    };
    const month: number[] = [];
    for (const [i, c] of codes.entries()) {
      const r = await get(`/schools/${c.code}/attendance?from=2026-10-01&to=2026-10-31`);
      if (i >= 5) month.push(r.ms);
    }
    const health: number[] = [];
    for (let i = 0; i < 50; i++) health.push((await get('/provinces')).ms);
    const provinceDay: number[] = [];
    for (const day of seed.days.slice(0, 6)) provinceDay.push((await get(`/provinces/03/attendance?date=${day}`)).ms);
    server.close();
    const [rows] = await database.rows<{ n: number }>(sql`select count(*)::int as n from attendance`);
    return { month, health, provinceDay, rows: Number(rows!.n), seedSeconds: seed.seconds };
  } finally {
    await database.drop();
  }
}

const bench: Bench = {
  name: 'interop',
  description: `national OneRoster export at ${int(SMALL)} and ${int(LARGE)} students (time, peak RSS); read API on ${API_SCHOOLS} schools`,
  async run(): Promise<BenchResult> {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-interop-'));
    try {
      const a = await api();
      const small = await exportAt(SMALL, dir);
      const large = await exportAt(LARGE, dir);
      const p95 = percentile(a.month, 95);
      const provinceMax = Math.max(...a.provinceDay.slice(1));
      const figures: Figure[] = [
        { label: `export ${int(small.students)} students: time`, value: small.ms / 1000, unit: 's' },
        { label: `export ${int(small.students)} students: peak RSS`, value: small.maxRssMb, unit: 'MB', target: '≤ 300', ok: small.maxRssMb <= 300 },
        { label: `export ${int(large.students)} students: time`, value: large.ms / 1000, unit: 's' },
        { label: `export ${int(large.students)} students: peak RSS`, value: large.maxRssMb, unit: 'MB', target: '≤ 300', ok: large.maxRssMb <= 300 },
        { label: 'peak RSS large / small', value: large.maxRssMb / small.maxRssMb, unit: '×', target: '≤ 1.25 (constant)', ok: large.maxRssMb / small.maxRssMb <= 1.25 },
        { label: `ZIP size at ${int(large.students)}`, value: large.bytes / 1e6, unit: 'MB' },
        { label: "API: a school's month, p95", value: p95, unit: 'ms', target: '≤ 50', ok: p95 <= 50 },
        { label: "API: a school's month, median", value: percentile(a.month, 50), unit: 'ms' },
        { label: "API: a province's day by school, slowest warm", value: provinceMax, unit: 'ms', target: '≤ 1000', ok: provinceMax <= 1000 },
        { label: 'API: /provinces (auth + audit only), median', value: percentile(a.health, 50), unit: 'ms' },
      ];
      return {
        measured: 'the national OneRoster export in a child process (time, getrusage maxrss) at two sizes; the read API over HTTP with a province token (every call authenticated and audited)',
        data: `export: ${int(small.students)} and ${int(large.students)} synthetic students (seeded in ${fmt(small.seedSeconds, 0)} s and ${fmt(large.seedSeconds, 0)} s); API: ${API_SCHOOLS} schools, ${int(a.rows)} attendance rows (seeded in ${fmt(a.seedSeconds, 0)} s), 95 month reads of random schools, 5 province days`,
        figures,
        primary: { label: `export of ${int(large.students)} students, peak RSS`, value: large.maxRssMb, unit: 'MB' },
        baseline: { label: `export of ${int(small.students)} students, peak RSS`, value: small.maxRssMb, unit: 'MB', measuredInRun: true },
        target: 'export peak RSS ≤ 300 MB and constant in the students; API month p95 ≤ 50 ms; province day ≤ 1 s',
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
