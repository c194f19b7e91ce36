/**
 * The national school registry: provinces by code or name, and the ministry's school list loaded
 * all or nothing (every problem with its row number), idempotently: the same file twice changes
 * nothing the second time; a changed row updates its school.
 */
import { sql } from 'drizzle-orm';
import type { Database, Executor } from '../core/db/client.js';
import { provinces, schools } from '../core/db/schema.js';
import { audit } from '../core/auth/audit.js';
import { prepareTable, readTable } from '../roster/read.js';
import { ensureCurrentYear } from '../schools/service.js';
import { matchProvince } from './provinces.js';
import { SCHOOL_LEVELS, schoolRegistry, type SchoolLevel } from './schema.js';

export const REGISTRY_COLUMNS = ['code', 'name_km', 'name_en', 'province', 'district', 'commune', 'level', 'latitude', 'longitude'] as const;
const REQUIRED = ['code', 'name_km', 'name_en', 'province', 'level'] as const;
const CODE_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$/;

export interface RegistryProblem {
  /** row number as the spreadsheet shows it (1 = header; 0 = the whole file) */
  row: number;
  message: string;
}

export interface RegistrySchool {
  row: number;
  code: string;
  nameKm: string;
  nameEn: string;
  provinceId: number;
  district: string | null;
  commune: string | null;
  level: SchoolLevel;
  latitude: number | null;
  longitude: number | null;
}

const LEVEL_WORDS: Record<string, SchoolLevel> = {
  preschool: 'preschool', kindergarten: 'preschool', 'មត្តេយ្យ': 'preschool',
  primary: 'primary', 'បឋម': 'primary', 'បឋមសិក្សា': 'primary',
  'lower-secondary': 'lower-secondary', 'lowersecondary': 'lower-secondary', 'អនុវិទ្យាល័យ': 'lower-secondary',
  'upper-secondary': 'upper-secondary', 'uppersecondary': 'upper-secondary', 'វិទ្យាល័យ': 'upper-secondary',
  secondary: 'secondary',
};

function levelOf(s: string): SchoolLevel | undefined {
  const k = s.trim().toLowerCase().replace(/[\s_]+/g, '-');
  return LEVEL_WORDS[k] ?? LEVEL_WORDS[k.replace(/-/g, '')];
}

function coordinate(s: string, max: number): number | null | undefined {
  if (s.trim() === '') return null;
  const n = Number(s.trim().replace(',', '.'));
  return Number.isFinite(n) && Math.abs(n) <= max ? n : undefined;
}

/** Checks every row of the file; returns the schools or every problem found (none saved). */
export async function parseRegistry(
  ex: Executor,
  file: { name: string; bytes: Uint8Array },
): Promise<{ ok: true; schools: RegistrySchool[] } | { ok: false; problems: RegistryProblem[] }> {
  const prepared = prepareTable<(typeof REGISTRY_COLUMNS)[number]>(await readTable(file), REQUIRED);
  if (!prepared.ok) {
    return {
      ok: false,
      problems: prepared.errors.map((e) => ({
        row: e.row,
        message: e.code === 'missing-column' ? `missing column "${e.column}" (columns: ${REGISTRY_COLUMNS.join(', ')})` : e.code === 'too-many-rows' ? `too many rows (${e.value})` : e.code === 'empty-file' ? 'the file has no schools' : 'the file cannot be read as CSV or XLSX',
      })),
    };
  }
  const { table } = prepared;
  const all = await ex.select({ id: provinces.id, code: provinces.code, nameKm: provinces.nameKm, nameEn: provinces.nameEn }).from(provinces);
  const problems: RegistryProblem[] = [];
  const out: RegistrySchool[] = [];
  const firstRowOf = new Map<string, number>();
  for (const r of table.data) {
    if (r.cells.every((c) => c.trim() === '')) continue;
    const get = (c: (typeof REGISTRY_COLUMNS)[number]) => table.get(r, c).trim();
    const here = (message: string) => problems.push({ row: r.row, message });
    const code = get('code');
    if (!CODE_RE.test(code)) here(`school code "${code}" must be 2-40 letters, digits, - or _`);
    else if (firstRowOf.has(code.toUpperCase())) here(`duplicate school code ${code} (first on row ${firstRowOf.get(code.toUpperCase())})`);
    else firstRowOf.set(code.toUpperCase(), r.row);
    const nameKm = get('name_km');
    const nameEn = get('name_en');
    if (!nameKm) here('name_km is empty');
    if (!nameEn) here('name_en is empty');
    const province = matchProvince(all, get('province'));
    if (!province) here(`unknown province "${get('province')}" (use a code 01-25 or a province name)`);
    const level = levelOf(get('level'));
    if (!level) here(`unknown level "${get('level')}" (${SCHOOL_LEVELS.join(', ')})`);
    const latitude = coordinate(get('latitude'), 90);
    const longitude = coordinate(get('longitude'), 180);
    if (latitude === undefined) here(`latitude "${get('latitude')}" is not a number between -90 and 90`);
    if (longitude === undefined) here(`longitude "${get('longitude')}" is not a number between -180 and 180`);
    if ((latitude === null) !== (longitude === null) && latitude !== undefined && longitude !== undefined) here('give both latitude and longitude, or neither');
    if (province && level && latitude !== undefined && longitude !== undefined) {
      out.push({ row: r.row, code, nameKm, nameEn, provinceId: province.id, district: get('district') || null, commune: get('commune') || null, level, latitude, longitude });
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, schools: out };
}

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  schoolIds: number[];
}

/** The whole file in one transaction: every school, or (with problems) none. */
export async function importRegistry(
  database: Database,
  file: { name: string; bytes: Uint8Array },
  actor: string,
): Promise<({ ok: true } & ImportSummary) | { ok: false; problems: RegistryProblem[] }> {
  const parsed = await parseRegistry(database.db, file);
  if (!parsed.ok) return parsed;
  return database.db.transaction(async (tx) => {
    const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0, schoolIds: [] };
    for (const s of parsed.schools) {
      const [before] = await database.rows<{ id: number; same: boolean }>(
        sql`select s.id, (s.name_km = ${s.nameKm} and s.name_en = ${s.nameEn} and s.province_id = ${s.provinceId}
                 and r.school_id is not null and r.district is not distinct from ${s.district} and r.commune is not distinct from ${s.commune}
                 and r.level = ${s.level} and r.latitude is not distinct from ${s.latitude}::float8 and r.longitude is not distinct from ${s.longitude}::float8) as same
              from schools s left join school_registry r on r.school_id = s.id where s.code = ${s.code}`,
        tx,
      );
      if (before?.same) {
        summary.unchanged++;
        summary.schoolIds.push(before.id);
        continue;
      }
      const [row] = await tx
        .insert(schools)
        .values({ code: s.code, nameKm: s.nameKm, nameEn: s.nameEn, provinceId: s.provinceId })
        .onConflictDoUpdate({ target: schools.code, set: { nameKm: sql`excluded.name_km`, nameEn: sql`excluded.name_en`, provinceId: sql`excluded.province_id` } })
        .returning({ id: schools.id });
      const values = { district: s.district, commune: s.commune, level: s.level, latitude: s.latitude, longitude: s.longitude, updatedAt: new Date() };
      await tx.insert(schoolRegistry).values({ schoolId: row!.id, ...values }).onConflictDoUpdate({ target: schoolRegistry.schoolId, set: values });
      await ensureCurrentYear(tx, row!.id);
      await audit(tx, { actor, schoolId: row!.id, action: before ? 'registry.update' : 'registry.create', entity: 'school', entityId: row!.id });
      if (before) summary.updated++;
      else summary.created++;
      summary.schoolIds.push(row!.id);
    }
    return { ok: true as const, ...summary };
  });
}
