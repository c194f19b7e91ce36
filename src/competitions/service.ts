/**
 * Competition events and results. The office or a teacher of the school enters an event and its
 * results (one line per student: code, rank, medal, score, team); every student must be one of
 * the school's, or nothing is saved. Families of the students who placed (a medal, or rank 1-3)
 * are told through the outbox, once per student and event. The yearly table counts participants
 * and those placed by level and sex, for a school or a province.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Executor } from '../core/db/client.js';
import { students, type Locale } from '../core/db/schema.js';
import type { Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { asciiDigits, displayName, formatDay, formatNumber, type Notifier } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import { competitionEvents, competitionResults, type CompetitionLevel, type Medal, LEVELS } from './schema.js';

export interface ResultLine {
  code: string;
  rank: number | null;
  medal: Medal;
  score: number | null;
  team: string | null;
}

const MEDAL_WORDS: Record<string, Medal> = { gold: 'gold', មាស: 'gold', silver: 'silver', ប្រាក់: 'silver', bronze: 'bronze', សំរិទ្ធ: 'bronze', សំរឹទ្ធ: 'bronze', '-': 'none', none: 'none' };

/**
 * One line per student, `CODE RANK MEDAL [SCORE] [team NAME]` (`S0012 1 gold 95`), or one line per
 * team with its one result and its members, `team NAME RANK MEDAL [SCORE]: CODE CODE …`
 * (`team Robots 2 silver 88: S0013 S0014 S0015`) — each member gets the team's result. A team
 * has one result: members of one team given different ranks, medals or scores are bad lines, as
 * is a student named twice. Returns the lines, or the numbers (1-based) of bad lines.
 */
export function parseResultLines(text: string): { ok: true; lines: ResultLine[] } | { ok: false; bad: number[] } {
  const rows = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const bad = new Set<number>();
  const lines: Array<ResultLine & { at: number }> = [];
  const seen = new Set<string>();
  const add = (at: number, r: ResultLine) => {
    if (r.code.length > 32 || seen.has(r.code)) return bad.add(at);
    seen.add(r.code);
    lines.push({ ...r, at });
  };
  for (const [i, raw] of rows.entries()) {
    const row = asciiDigits(raw);
    const team = /^(?:team|ក្រុម)\s+(.{1,60}?)\s+(\d{1,4}|-)\s+(\S+?)(?:\s+(\d{1,5}|-))?\s*:\s*(.+)$/i.exec(row);
    if (team) {
      const medal = MEDAL_WORDS[team[3]!.toLowerCase()];
      const members = team[5]!.split(/[\s,]+/).filter(Boolean);
      if (!medal || members.length < 2 || members.length > 30) {
        bad.add(i + 1);
        continue;
      }
      const result = { rank: team[2] === '-' ? null : Number(team[2]), medal, score: team[4] && team[4] !== '-' ? Number(team[4]) : null, team: team[1]!.trim() };
      for (const code of members) add(i + 1, { code: code.toUpperCase(), ...result });
      continue;
    }
    const m = /^(\S+)\s+(\d{1,4}|-)\s+(\S+)(?:\s+(\d{1,5}|-))?(?:\s+(?:team|ក្រុម)\s+(.{1,60}))?$/i.exec(row);
    const medal = m ? MEDAL_WORDS[m[3]!.toLowerCase()] : undefined;
    if (!m || !medal) {
      bad.add(i + 1);
      continue;
    }
    add(i + 1, { code: m[1]!.toUpperCase(), rank: m[2] === '-' ? null : Number(m[2]), medal, score: m[4] && m[4] !== '-' ? Number(m[4]) : null, team: m[5]?.trim() || null });
  }
  // one result per team
  const first = new Map<string, ResultLine>();
  for (const l of lines) {
    if (!l.team) continue;
    const key = l.team.toLowerCase();
    const f = first.get(key);
    if (!f) first.set(key, l);
    else if (f.rank !== l.rank || f.medal !== l.medal || f.score !== l.score) bad.add(l.at);
  }
  if (rows.length === 0 || rows.length > 100 || lines.length > 200) bad.add(0);
  return bad.size ? { ok: false, bad: [...bad].sort((a, b) => a - b) } : { ok: true, lines: lines.map(({ at: _at, ...l }) => l) };
}

export const placed = (r: { rank: number | null; medal: Medal }) => r.medal !== 'none' || (r.rank !== null && r.rank <= 3);

export type EventRefusal = 'forbidden' | 'bad-event' | 'unknown-students';

/** The school where the actor may enter results: as its office or as one of its teachers. */
export function entrySchool(actor: Actor): number | undefined {
  return actor.staff.find((m) => m.roles.some((r) => r === 'principal' || r === 'operator' || r === 'teacher'))?.schoolId;
}

export async function recordEvent(
  db: Db,
  actor: Actor,
  input: { name: string; subject: string; level: CompetitionLevel; day: string; lines: ResultLine[] },
  notifier: Notifier,
): Promise<{ ok: true; eventId: number; results: number; told: number } | { ok: false; reason: EventRefusal; codes?: string[] }> {
  const who = actorOf(actor.telegramUserId);
  const schoolId = entrySchool(actor);
  const refuse = async (reason: EventRefusal, codes?: string[]) => {
    await audit(db, { actor: who, schoolId: schoolId ?? null, action: 'competitions.record', outcome: 'denied', details: { reason, count: codes?.length ?? 0 } });
    return { ok: false as const, reason, codes };
  };
  if (schoolId === undefined) return refuse('forbidden');
  const name = input.name.trim();
  const subject = input.subject.trim();
  if (!name || !subject || name.length > 120 || subject.length > 60 || !LEVELS.includes(input.level) || !/^\d{4}-\d{2}-\d{2}$/.test(input.day) || input.lines.length === 0) return refuse('bad-event');
  const codes = input.lines.map((l) => l.code);
  const found = await db
    .select({ id: students.id, code: students.studentCode })
    .from(students)
    .where(and(eq(students.schoolId, schoolId), eq(students.active, true), inArray(students.studentCode, codes)));
  const byCode = new Map(found.map((s) => [s.code.toUpperCase(), s.id]));
  const unknown = codes.filter((c) => !byCode.has(c));
  // A code of another school's student is unknown here: nothing of theirs is written or revealed.
  if (unknown.length) return refuse('unknown-students', unknown);
  return db.transaction(async (tx) => {
    const [ev] = await tx.insert(competitionEvents).values({ schoolId, name, subject, level: input.level, day: input.day, createdBy: who }).returning({ id: competitionEvents.id });
    const eventId = ev!.id;
    await tx.insert(competitionResults).values(input.lines.map((l) => ({ eventId, schoolId, studentId: byCode.get(l.code)!, team: l.team, rank: l.rank, medal: l.medal, score: l.score, createdBy: who })));
    const winners = input.lines.filter(placed).map((l) => ({ ...l, studentId: byCode.get(l.code)! }));
    const families = winners.length
      ? rowsOf<{ student_id: number; name_km: string; name_en: string | null; chat_id: string; locale: Locale | null }>(
          await tx.execute(sql`
            select distinct s.id as student_id, s.name_km, s.name_en, g.telegram_user_id as chat_id, ta.locale
              from students s join student_guardians sg on sg.student_id = s.id join guardians g on g.id = sg.guardian_id
              left join telegram_accounts ta on ta.telegram_user_id = g.telegram_user_id
             where s.id = any(${`{${winners.map((w) => w.studentId).join(',')}}`}::int[]) and g.telegram_user_id is not null`),
        )
      : [];
    const messages = families.map((f): OutgoingMessage => {
      const locale = f.locale ?? notifier.defaultLocale;
      const w = winners.find((x) => x.studentId === Number(f.student_id))!;
      return {
        dedupeKey: `competitions:${eventId}:student:${f.student_id}:chat:${f.chat_id}`,
        schoolId,
        capability: 'competitions',
        entity: 'event',
        entityId: eventId,
        studentId: Number(f.student_id),
        chatId: Number(f.chat_id),
        payload: { text: resultText(locale, notifier.t, { name: displayName(locale, { nameKm: f.name_km, nameEn: f.name_en }), event: name, subject, level: input.level, day: input.day, ...w }) },
      };
    });
    await addToOutbox(tx, messages);
    await audit(tx, { actor: who, schoolId, action: 'competitions.record', entity: 'event', entityId: eventId, details: { results: input.lines.length, placed: winners.length } });
    return { ok: true as const, eventId, results: input.lines.length, told: messages.length };
  });
}

export function resultText(
  locale: Locale,
  t: Notifier['t'],
  r: { name: string; event: string; subject: string; level: CompetitionLevel; day: string; rank: number | null; medal: Medal; score: number | null; team?: string | null },
): string {
  return t(locale, r.team ? 'competitions-family-team' : 'competitions-family', {
    team: r.team ?? '',
    name: r.name,
    event: r.event,
    subject: r.subject,
    level: t(locale, `competitions-level-${r.level}`),
    day: formatDay(locale, r.day),
    rank: r.rank === null ? '—' : formatNumber(locale, r.rank),
    medal: t(locale, `competitions-medal-${r.medal}`),
    score: r.score === null ? '—' : formatNumber(locale, r.score),
  });
}

/** A student's results, newest first (for /student). */
export async function resultsOfStudent(ex: Executor, studentId: number) {
  return ex
    .select({ event: competitionEvents.name, subject: competitionEvents.subject, level: competitionEvents.level, day: competitionEvents.day, rank: competitionResults.rank, medal: competitionResults.medal, score: competitionResults.score, team: competitionResults.team })
    .from(competitionResults)
    .innerJoin(competitionEvents, eq(competitionEvents.id, competitionResults.eventId))
    .where(eq(competitionResults.studentId, studentId))
    .orderBy(sql`${competitionEvents.day} desc`);
}

export interface TableRow {
  level: CompetitionLevel;
  sex: 'M' | 'F';
  /** students, each member of a team counted */
  participants: number;
  placed: number;
}

export interface MedalRow {
  level: CompetitionLevel;
  /** medals won: a team's medal counts once, however many members it has */
  gold: number;
  silver: number;
  bronze: number;
  /** teams that placed */
  teams: number;
}

export interface YearlyTable {
  bySex: TableRow[];
  medals: MedalRow[];
}

/**
 * Results of a calendar year, for a school or a province (null: the nation): participants and
 * those placed by level and sex (every member of a team counts, by their own sex), and medals by
 * level (one per individual result, one per team).
 */
export async function yearlyTable(db: Db, scope: { schoolId: number } | { provinceId: number | null }, year: number): Promise<YearlyTable> {
  const where = 'schoolId' in scope ? sql`r.school_id = ${scope.schoolId}` : sql`(${scope.provinceId}::int is null or sc.province_id = ${scope.provinceId}::int)`;
  const from = sql`from competition_results r join competition_events e on e.id = r.event_id join students s on s.id = r.student_id join schools sc on sc.id = r.school_id
       where ${where} and extract(year from e.day) = ${year}`;
  const bySex = rowsOf<{ level: CompetitionLevel; sex: 'M' | 'F'; participants: number; placed: number }>(
    await db.execute(sql`
      select e.level, s.sex, count(*)::int as participants, count(*) filter (where r.medal <> 'none' or r.rank <= 3)::int as placed
        ${from}
       group by e.level, s.sex`),
  );
  // a result is a student's own, or a team's (event, team): medals and placed teams count results
  const medals = rowsOf<{ level: CompetitionLevel; gold: number; silver: number; bronze: number; teams: number }>(
    await db.execute(sql`
      with results as (
        select distinct e.level, r.event_id, coalesce('team:' || lower(r.team), 'student:' || r.student_id) as who, r.team is not null as is_team, r.medal, r.rank
          ${from})
      select level, count(*) filter (where medal = 'gold')::int as gold, count(*) filter (where medal = 'silver')::int as silver,
             count(*) filter (where medal = 'bronze')::int as bronze, count(*) filter (where is_team and (medal <> 'none' or rank <= 3))::int as teams
        from results group by level`),
  );
  return {
    bySex: bySex.map((r) => ({ level: r.level, sex: r.sex, participants: Number(r.participants), placed: Number(r.placed) })),
    medals: medals.map((r) => ({ level: r.level, gold: Number(r.gold), silver: Number(r.silver), bronze: Number(r.bronze), teams: Number(r.teams) })),
  };
}
