/**
 * Records from the scores capability: a class's published term or year results
 * (scores/service-records.ts) mapped into records' canonical documents. Records depend on scores,
 * never the other way round: the scores capability offers its published results through one
 * function and knows nothing of signing.
 *
 * Terms: a record's term is '1', '2' or 'year'; scores calls them t1, t2 and y.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Database, Db } from '../core/db/client.js';
import { academicYears, classes, schools, students } from '../core/db/schema.js';
import { publishedClassResults, publishedTermsOf, type TermPeriod } from '../scores/service-records.js';
import { recordIdCodes } from './schema.js';
import { refreshClassRecords, type RecordContent, type RecordSource } from './service-versions.js';

export const RECORD_TERMS = ['1', '2', 'year'] as const;
export type RecordTerm = (typeof RECORD_TERMS)[number];

const PERIOD: Record<RecordTerm, TermPeriod> = { '1': 't1', '2': 't2', year: 'y' };
const TERM: Record<TermPeriod, RecordTerm> = { t1: '1', t2: '2', y: 'year' };

/** A term as typed (`1`, `t1`, `2`, `year`, `y`) → the record's term, or null. */
export function parseRecordTerm(text: string): RecordTerm | null {
  const t = text.trim().toLowerCase();
  if (t === '1' || t === 't1') return '1';
  if (t === '2' || t === 't2') return '2';
  if (t === 'y' || t === 'year') return 'year';
  return null;
}

export function scoresRecordSource(database: Database): RecordSource {
  return {
    async classRecords(_db: Db, input) {
      const term = parseRecordTerm(input.term);
      if (!term) return [];
      const published = await publishedClassResults(database, { schoolId: input.schoolId, classId: input.classId, period: PERIOD[term] });
      if (!published) return [];
      const db = database.db;
      const [school] = await db.select({ code: schools.code, nameKm: schools.nameKm }).from(schools).where(eq(schools.id, input.schoolId));
      const [cls] = await db.select({ name: classes.name }).from(classes).where(and(eq(classes.id, input.classId), eq(classes.schoolId, input.schoolId)));
      if (!school || !cls) return [];
      const ids = published.students.map((s) => s.studentId);
      const people = new Map(
        ids.length === 0
          ? []
          : (
              await db
                .select({ id: students.id, code: students.studentCode, nameKm: students.nameKm, nameEn: students.nameEn, idCode: recordIdCodes.idCode })
                .from(students)
                .leftJoin(recordIdCodes, eq(recordIdCodes.studentId, students.id))
                .where(inArray(students.id, ids))
            ).map((p) => [p.id, p]),
      );
      const subjectById = new Map(published.subjects.map((s) => [s.id, s]));
      const out: Array<{ studentId: number; content: RecordContent }> = [];
      for (const s of published.students) {
        const p = people.get(s.studentId);
        if (!p) continue;
        const r = s.result;
        const content: RecordContent = {
          format: 'sis-record/1',
          school: { code: school.code, name: school.nameKm },
          student: { code: p.code, idCode: p.idCode ?? '', name: p.nameKm, nameLatin: p.nameEn },
          year: published.year,
          term,
          className: cls.name,
          subjects: r.subjects.map((x) => {
            const subject = subjectById.get(x.subjectId);
            return { subject: subject?.code ?? String(x.subjectId), name: subject?.nameKm ?? '', nameEn: subject?.nameEn ?? '', max: x.max, scores: s.scores[x.subjectId] ?? {}, average: x.value };
          }),
          tests: published.tests,
          average: r.average,
          scale: r.scale,
          letter: r.letter,
          rank: r.rank,
          conduct: null,
          attendance: s.attendance,
          comments: s.comment,
          rules: `${published.ruleSet.code} (${published.ruleSet.nameEn})`,
        };
        out.push({ studentId: s.studentId, content });
      }
      return out;
    },
  };
}

async function currentYearName(db: Db, schoolId: number): Promise<string> {
  const [y] = await db.select({ name: academicYears.name }).from(academicYears).where(and(eq(academicYears.schoolId, schoolId), eq(academicYears.isCurrent, true)));
  return y?.name ?? '';
}

/**
 * Brings the school's records of a term up to date with what scores published (all classes, or
 * the given ones): published classes get their records; open versions follow corrections; locked
 * ones stay as signed. Called when someone opens /sign and again before a signature is made, so
 * what is signed is what was published at that moment.
 */
export async function refreshTermRecords(database: Database, source: RecordSource, input: { schoolId: number; term: RecordTerm; actor: string; classIds?: number[] }): Promise<number> {
  const published = (await publishedTermsOf(database, input.schoolId)).filter((p) => TERM[p.period] === input.term && (!input.classIds || input.classIds.includes(p.classId)));
  if (published.length === 0) return 0;
  const year = await currentYearName(database.db, input.schoolId);
  let added = 0;
  for (const p of published) added += await refreshClassRecords(database.db, source, { schoolId: input.schoolId, classId: p.classId, year, term: input.term, actor: input.actor });
  return added;
}

/** The term /sign works on when none is typed: the one most recently published. */
export async function latestPublishedTerm(database: Database, schoolId: number): Promise<RecordTerm | null> {
  const list = await publishedTermsOf(database, schoolId);
  const last = list.at(-1);
  return last ? TERM[last.period] : null;
}
