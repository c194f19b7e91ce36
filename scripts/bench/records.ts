/**
 * Signed records under load, on real Postgres:
 * 1. The principal signs 2,000 records (50 classes × 40 students, every subject signed and every
 *    class confirmed) in one step: signSchool end to end (readiness, two signatures per record,
 *    lock). Baseline: the same 4,000 bare Ed25519 signatures in memory, in this run.
 * 2. The public verify page (`/verify/<code>` over HTTP on the bot's server) with 100,000 stored
 *    records and copies: p95 of 1,000 lookups of random codes. Baseline: /healthz on the same
 *    server, same client.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { createAppDeps } from '../../src/app.js';
import { createLogger } from '../../src/core/logger.js';
import { createHttpServer } from '../../src/core/telegram/webhook.js';
import { importStaff, importStudents } from '../../src/roster/service.js';
import { addSchool } from '../../src/schools/service.js';
import { recordsRoutes } from '../../src/records/http.js';
import { signedMessage } from '../../src/records/canonical.js';
import { storedKeySigners } from '../../src/records/service-keys.js';
import { schoolReadiness, signSchool } from '../../src/records/service-sign.js';
import { recordSignatures, recordVersions } from '../../src/records/schema.js';
import { versionValues, type RecordContent } from '../../src/records/service-versions.js';
import { createTestDatabase } from '../../test/support/db.js';
import type { Bench, BenchResult } from './types.js';
import { fmt, int, percentile } from './types.js';

const CLASSES = 50;
const CLASS_SIZE = 40;
const STORED = Number(process.env.BENCH_RECORDS ?? 100_000);
const LOOKUPS = 1000;
const SUBJECTS = ['Khmer', 'Mathematics', 'Physics', 'Chemistry', 'Biology', 'History', 'Geography', 'English'];
const KEK = Buffer.alloc(32, 3);

function rosters(): { students: string; staff: string } {
  const s = ['class,shift,student_code,name_km,name_en,sex,date_of_birth,guardian_name,guardian_phone,guardian_relation'];
  const t = ['staff_code,name_km,name_en,sex,phone,role,homeroom_class,subjects', `P-0,នាយក,Principal,F,076000000,principal,,`];
  for (let c = 0; c < CLASSES; c++) {
    const cls = `${(c % 12) + 1}${String.fromCharCode(65 + Math.floor(c / 12))}`;
    for (let i = 0; i < CLASS_SIZE; i++) s.push(`${cls},morning,R-${c * CLASS_SIZE + i},សិស្ស ${c * CLASS_SIZE + i},Student,${i % 2 ? 'F' : 'M'},2014-01-01,ម្តាយ,0${12000000 + c * CLASS_SIZE + i},mother`);
    t.push(`T-${c},គ្រូ ${c},Teacher ${c},F,0${77000000 + c},teacher,${cls},`);
  }
  return { students: s.join('\n'), staff: t.join('\n') };
}

const bench: Bench = {
  name: 'records',
  description: `principal signs ${int(CLASSES * CLASS_SIZE)} records in one step; verify page over ${int(STORED)} records`,
  async run(): Promise<BenchResult> {
    const database = await createTestDatabase({ max: 10 });
    try {
      const { db } = database;
      await addSchool(db, { code: 'RB', nameKm: 'សាលា', nameEn: 'Bench School', province: 'PP' }, 'cli');
      const files = rosters();
      const s = await importStudents(db, { schoolCode: 'RB', file: { name: 's.csv', bytes: Buffer.from(files.students) }, actor: 'cli' });
      const t = await importStaff(db, { schoolCode: 'RB', file: { name: 't.csv', bytes: Buffer.from(files.staff) }, actor: 'cli' });
      if (!s.ok || !t.ok) throw new Error(`roster import failed: ${JSON.stringify(s.ok ? t : s).slice(0, 300)}`);
      const students = await database.rows<{ id: string; class_id: number; code: string; homeroom: number }>(sql`select s.id, s.class_id, s.student_code as code, c.homeroom_staff_id as homeroom from students s join classes c on c.id = s.class_id order by s.id`);
      await db.execute(sql`insert into record_id_codes (student_id, school_id, id_code, set_by) select id, school_id, 'KH' || id, 'bench' from students`);
      const [principal] = await database.rows<{ id: number }>(sql`select id from staff where staff_code = 'P-0'`);
      const signers = storedKeySigners(db, KEK);

      // 2,000 open versions, each signed by its subject teachers (one teacher key per class here)
      // and confirmed by the homeroom teacher: what the principal finds when they type /sign.
      const values = students.map((st) => {
        const content: RecordContent = {
          format: 'sis-record/1', school: { code: 'RB', name: 'សាលា' }, student: { code: st.code, idCode: `KH${st.id}`, name: 'សិស្ស', nameLatin: null }, year: '2026-2027', term: '1', className: String(st.class_id),
          subjects: SUBJECTS.map((subject, i) => ({ subject, scores: { exam: 30 + ((Number(st.id) + i) % 20) }, average: 30 + ((Number(st.id) + i) % 20) })), average: 40, rank: null, conduct: null, attendance: { present: 100, absent: 0, excused: 0, late: 0 }, comments: null, rules: 'bench/1',
        };
        return versionValues({ schoolId: 1, studentId: Number(st.id), classId: st.class_id, content, version: 1, createdBy: 'bench' });
      });
      const ids = (await db.insert(recordVersions).values(values).returning({ id: recordVersions.id, hash: recordVersions.hash, classId: recordVersions.classId })) as Array<{ id: number; hash: string; classId: number }>;
      const homeroomOf = new Map(students.map((st) => [st.class_id, st.homeroom]));
      const sigRows: Array<typeof recordSignatures.$inferInsert> = [];
      for (const v of ids) {
        const homeroom = homeroomOf.get(v.classId)!;
        const signer = await signers.signerFor({ schoolId: 1, staffId: homeroom });
        for (const subject of SUBJECTS) sigRows.push({ versionId: v.id, schoolId: 1, role: 'teacher', scope: subject, keyId: signer.keyId, signerName: 'T', staffId: homeroom, signature: (await signer.sign(signedMessage({ hash: v.hash, role: 'teacher', scope: subject }))).toString('base64') });
        sigRows.push({ versionId: v.id, schoolId: 1, role: 'homeroom', scope: 'class', keyId: signer.keyId, signerName: 'T', staffId: homeroom, signature: (await signer.sign(signedMessage({ hash: v.hash, role: 'homeroom', scope: 'class' }))).toString('base64') });
      }
      for (let i = 0; i < sigRows.length; i += 2000) await db.insert(recordSignatures).values(sigRows.slice(i, i + 2000));

      // Baseline: 4,000 bare signatures in memory.
      const { privateKey } = generateKeyPairSync('ed25519');
      const b0 = performance.now();
      for (const v of ids) for (const role of ['principal', 'institution'] as const) sign(null, signedMessage({ hash: v.hash, role, scope: 'school' }), privateKey);
      const bareMs = performance.now() - b0;

      const who = { schoolId: 1, staffId: principal!.id, actor: 'bench', isPrincipal: true };
      const t0 = performance.now();
      const readiness = await schoolReadiness(db, 1, '1');
      const readinessMs = performance.now() - t0;
      const r = await signSchool(db, signers, who, { term: '1', batch: readiness.batch.slice(0, 12) });
      const signMs = performance.now() - t0;
      if (!r.ok || r.count !== ids.length) throw new Error(`signSchool: ${JSON.stringify(r)}`);

      // 100,000 stored records with a copy each (the first 2,000 are the real ones just signed).
      const extra = Math.max(0, STORED - ids.length);
      await db.execute(sql`
        insert into record_versions (school_id, student_id, class_id, year, term, version, canonical, hash, status, created_by, locked_at)
        select 1, s.id, s.class_id, 'y' || (g / ${students.length}), 'b', 1, c.doc, encode(sha256(convert_to(c.doc, 'UTF8')), 'hex'), 'locked', 'bench', now()
        from generate_series(0, ${extra - 1}) g
        join lateral (select * from students order by id offset (g % ${students.length}) limit 1) s on true
        cross join lateral (select json_build_object('format','sis-record/1','school',json_build_object('code','RB','name','សាលា'),'student',json_build_object('code',s.student_code,'idCode','KH','name','សិស្ស','nameLatin',null),'year','y' || g,'term','b','className','x','subjects','[]'::json,'average',40,'rank',null,'conduct',null,'attendance',json_build_object('present',1,'absent',0,'excused',0,'late',0),'comments',null,'rules','bench/1','version',1)::text doc) c`);
      await db.execute(sql`insert into record_copies (code, version_id, school_id, issued_by, issued_for) select upper(substr(md5(id::text), 1, 10)), id, 1, 'bench', 'family' from record_versions on conflict do nothing`);
      await db.execute(sql`analyze`);
      const codes = (await database.rows<{ code: string }>(sql`select code from record_copies where code ~ '^[0-9A-HJKMNP-TV-Z]{10}$' order by random() limit ${LOOKUPS}`)).map((c) => c.code);
      const stored = Number((await database.rows<{ n: string }>(sql`select count(*) n from record_versions`))[0]!.n);

      const deps = createAppDeps({ database, log: createLogger('silent'), defaultLocale: 'km', kickOutbox: () => {} });
      const server = createHttpServer(recordsRoutes(deps));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const lat: number[] = [];
      const healthz: number[] = [];
      try {
        for (let i = 0; i < 50; i++) await (await fetch(`${base}/verify/${codes[i]}`)).text();
        for (const code of codes) {
          const a = performance.now();
          const res = await fetch(`${base}/verify/${code}`);
          await res.text();
          if (res.status !== 200) throw new Error(`verify ${code}: ${res.status}`);
          lat.push(performance.now() - a);
          const h = performance.now();
          await (await fetch(`${base}/healthz`)).text();
          healthz.push(performance.now() - h);
        }
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
      const p95 = percentile(lat, 95);
      const baseP95 = percentile(healthz, 95);
      return {
        measured: 'signSchool end to end (readiness check, principal + institution signature per record, lock); GET /verify/<code> latency',
        data: `${int(ids.length)} records of ${CLASSES} classes with ${SUBJECTS.length} subjects each; ${int(stored)} stored records with a copy each; ${LOOKUPS} random codes`,
        figures: [
          { label: 'principal signs all records', value: fmt(signMs / 1000, 2), unit: 's', target: '≤ 5', ok: signMs <= 5000 },
          { label: 'per record', value: fmt(signMs / ids.length, 3), unit: 'ms' },
          { label: 'bare Ed25519, 2 signatures per record', value: fmt(bareMs / ids.length, 3), unit: 'ms/record' },
          { label: 'verify page p50', value: fmt(percentile(lat, 50), 2), unit: 'ms' },
          { label: 'verify page p95', value: fmt(p95, 2), unit: 'ms', target: '≤ 50', ok: p95 <= 50 },
          { label: '/healthz p95 (baseline)', value: fmt(baseP95, 2), unit: 'ms' },
        ],
        primary: { label: 'principal signs all records', value: signMs, unit: 'ms' },
        baseline: { label: 'bare signatures of the same set', value: bareMs, unit: 'ms', measuredInRun: true },
        target: 'signing 2,000 records ≤ 5 s; verify page p95 ≤ 50 ms over 100,000 records',
        notes: [`of which the readiness shown before confirming: ${fmt(readinessMs, 0)} ms (signSchool checks it again)`, `verify p95 / healthz p95 = ${fmt(p95 / baseP95, 1)}×`],
      };
    } finally {
      await database.drop();
    }
  },
};

export default bench;
