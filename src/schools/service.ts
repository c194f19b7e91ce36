/**
 * Provinces, schools and academic years: the places every other record belongs to.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../core/db/client.js';
import { academicYears, bots, officials, provinces, schools } from '../core/db/schema.js';
import { audit } from '../core/auth/audit.js';
import { findProvince } from '../registry/provinces.js';

export interface NewSchool {
  code: string;
  nameKm: string;
  nameEn: string;
  /** a province's code (03) or name (Kampong Cham, កំពង់ចាម); another code is created as a new province */
  province: string;
  provinceNameKm?: string;
  provinceNameEn?: string;
  timezone?: string;
}

const CODE_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$/;

export class SchoolInputError extends Error {}

export async function addSchool(ex: Executor, input: NewSchool, actor: string): Promise<{ id: number; created: boolean }> {
  if (!CODE_RE.test(input.code)) throw new SchoolInputError(`school code "${input.code}" must be 2-40 letters, digits, - or _`);
  const known = await findProvince(ex, input.province);
  if (!known && !CODE_RE.test(input.province)) throw new SchoolInputError(`unknown province "${input.province}" (a code 01-25 or a province name)`);
  if (!input.nameKm.trim() || !input.nameEn.trim()) throw new SchoolInputError('both --name-km and --name-en are required');
  if (input.timezone) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: input.timezone });
    } catch {
      throw new SchoolInputError(`unknown time zone "${input.timezone}"`);
    }
  }
  const [province] = known ? [known] : await ex
    .insert(provinces)
    .values({ code: input.province, nameKm: input.provinceNameKm ?? input.province, nameEn: input.provinceNameEn ?? input.province })
    .onConflictDoUpdate({ target: provinces.code, set: { code: sql`excluded.code` } })
    .returning({ id: provinces.id });
  const [row] = await ex
    .insert(schools)
    .values({
      code: input.code,
      nameKm: input.nameKm.trim(),
      nameEn: input.nameEn.trim(),
      provinceId: province!.id,
      ...(input.timezone ? { timezone: input.timezone } : {}),
    })
    .onConflictDoUpdate({
      target: schools.code,
      set: { nameKm: sql`excluded.name_km`, nameEn: sql`excluded.name_en`, provinceId: sql`excluded.province_id` },
    })
    .returning({ id: schools.id, created: sql<boolean>`(xmax = 0)` });
  await ensureCurrentYear(ex, row!.id);
  await audit(ex, { actor, schoolId: row!.id, action: row!.created ? 'school.create' : 'school.update', entity: 'school', entityId: row!.id });
  return row!;
}

export async function getSchool(ex: Executor, code: string) {
  const [row] = await ex.select().from(schools).where(eq(schools.code, code));
  return row;
}

/**
 * Cambodia's school year runs from about November to August: on and after 1 October the new
 * year is the current one.
 */
export function academicYearFor(today: Date): { name: string; startsOn: string; endsOn: string } {
  const y = today.getUTCFullYear();
  const start = today.getUTCMonth() >= 9 ? y : y - 1;
  return { name: `${start}-${start + 1}`, startsOn: `${start}-10-01`, endsOn: `${start + 1}-09-30` };
}

export async function ensureCurrentYear(ex: Executor, schoolId: number, today = new Date()): Promise<number> {
  const [current] = await ex
    .select({ id: academicYears.id })
    .from(academicYears)
    .where(and(eq(academicYears.schoolId, schoolId), eq(academicYears.isCurrent, true)));
  if (current) return current.id;
  const year = academicYearFor(today);
  const [row] = await ex
    .insert(academicYears)
    .values({ schoolId, ...year, isCurrent: true })
    .onConflictDoUpdate({ target: [academicYears.schoolId, academicYears.name], set: { isCurrent: true } })
    .returning({ id: academicYears.id });
  return row!.id;
}

/**
 * A provincial director (a province) or a national administrator (no province), by phone; someone
 * who already shared that phone with the bot is linked at once.
 */
export async function addOfficial(
  db: Executor,
  input: { phoneE164: string; name: string; provinceCode?: string },
  actor: string,
): Promise<{ ok: true; id: number; provinceId: number | null } | { ok: false; reason: 'unknown-province' }> {
  let provinceId: number | null = null;
  if (input.provinceCode) {
    const p = await findProvince(db, input.provinceCode);
    if (!p) return { ok: false, reason: 'unknown-province' };
    provinceId = p.id;
  }
  const [row] = await db
    .insert(officials)
    .values({ phone: input.phoneE164, name: input.name, provinceId })
    .onConflictDoUpdate({ target: officials.phone, set: { name: input.name, provinceId } })
    .returning({ id: officials.id });
  await db.execute(sql`update officials o set telegram_user_id = ta.telegram_user_id from telegram_accounts ta where o.id = ${row!.id} and ta.phone = o.phone`);
  await audit(db, { actor, action: 'official.set', entity: 'official', entityId: row!.id, details: { provinceId } });
  return { ok: true, id: row!.id, provinceId };
}

/** The fleet's bots (besides the default one) and how many schools each serves. */
export async function listSchoolBots(ex: Executor): Promise<Array<{ id: number; username: string; schools: number }>> {
  const rows = await ex
    .select({ id: bots.id, username: bots.username, schools: sql<number>`(select count(*)::int from schools s where s.bot_id = bots.id)` })
    .from(bots)
    .orderBy(bots.username);
  return rows.map((r) => ({ ...r, schools: Number(r.schools) }));
}

/** Moves a school to a bot of the fleet (null: the default bot); audited. */
export async function assignSchoolBot(ex: Executor, schoolCode: string, botUsername: string | null, actor: string): Promise<{ ok: true } | { ok: false; reason: 'no-school' | 'no-bot' }> {
  const school = await getSchool(ex, schoolCode);
  if (!school) return { ok: false, reason: 'no-school' };
  let botId: number | null = null;
  if (botUsername !== null) {
    const [bot] = await ex.select({ id: bots.id }).from(bots).where(sql`lower(${bots.username}) = lower(${botUsername})`);
    if (!bot) return { ok: false, reason: 'no-bot' };
    botId = bot.id;
  }
  await ex.update(schools).set({ botId }).where(eq(schools.id, school.id));
  await audit(ex, { actor, schoolId: school.id, action: 'school.bot', entity: 'school', entityId: school.id, details: { botId } });
  return { ok: true };
}
