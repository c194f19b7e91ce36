/**
 * Adoption per province for the officials' daily roll-up: schools registered (in the registry or
 * added by hand), schools taking attendance (a class submitted in the 7 days up to the day), and
 * families linked on Telegram. One set-based statement, grouped by province.
 */
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import type { Database } from '../core/db/client.js';
import type { Locale } from '../core/db/schema.js';
import { displayName, formatNumber, type Notifier } from '../core/i18n/index.js';

export interface ProvinceAdoption {
  code: string;
  nameKm: string;
  nameEn: string;
  registered: number;
  takingAttendance: number;
  guardians: number;
  guardiansLinked: number;
}

/** The provinces of the scope (all 25 for the nation, even those with no school yet). */
export async function adoptionByProvince(database: Database, input: { provinceId: number | null; day: string }): Promise<ProvinceAdoption[]> {
  const inScope = input.provinceId === null ? sql`true` : sql`p.id = ${input.provinceId}`;
  const rows = await database.rows<Record<string, string | number>>(
    sql`with pr as (select p.id, p.code, p.name_km, p.name_en from provinces p where ${inScope}),
        sc as (select s.id, s.province_id from schools s where s.province_id in (select id from pr)),
        active as (select distinct cs.school_id from class_submissions cs
                    where cs.day between ${input.day}::date - 6 and ${input.day}::date and cs.school_id in (select id from sc)),
        gd as (select g.school_id, count(*)::int as n, count(g.telegram_user_id)::int as linked from guardians g
                where g.school_id in (select id from sc) group by g.school_id)
      select pr.code, pr.name_km as "nameKm", pr.name_en as "nameEn",
             count(sc.id)::int as registered, count(active.school_id)::int as "takingAttendance",
             coalesce(sum(gd.n), 0)::int as guardians, coalesce(sum(gd.linked), 0)::int as "guardiansLinked"
        from pr left join sc on sc.province_id = pr.id
        left join active on active.school_id = sc.id
        left join gd on gd.school_id = sc.id
       group by pr.code, pr.name_km, pr.name_en
       order by pr.code`,
  );
  return rows.map((r) => ({
    code: String(r.code),
    nameKm: String(r.nameKm),
    nameEn: String(r.nameEn),
    registered: Number(r.registered),
    takingAttendance: Number(r.takingAttendance),
    guardians: Number(r.guardians),
    guardiansLinked: Number(r.guardiansLinked),
  }));
}

function share(locale: Locale, part: number, whole: number): string {
  if (whole === 0) return '—';
  return `${formatNumber(locale, Math.round((1000 * part) / whole) / 10)}%`;
}

/** One line for the roll-up's summary: the scope's totals (the workbook has each province). */
export function adoptionLine(rows: readonly ProvinceAdoption[], locale: Locale, t: Notifier['t']): string {
  const sum = (f: (r: ProvinceAdoption) => number) => rows.reduce((a, r) => a + f(r), 0);
  const registered = sum((r) => r.registered);
  const taking = sum((r) => r.takingAttendance);
  return t(locale, 'registry-adoption-line', {
    registered: formatNumber(locale, registered),
    taking: formatNumber(locale, taking),
    families: share(locale, sum((r) => r.guardiansLinked), sum((r) => r.guardians)),
  });
}

/** The roll-up workbook's sheet of provinces. */
export function addAdoptionSheet(wb: ExcelJS.Workbook, rows: readonly ProvinceAdoption[], locale: Locale, t: Notifier['t']): void {
  const ws = wb.addWorksheet(t(locale, 'registry-adoption-sheet'), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(['code', 'province', 'registered', 'taking', 'taking-share', 'families'].map((h) => t(locale, `registry-adoption-col-${h}`)));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) {
    const row = ws.addRow([r.code, displayName(locale, r), r.registered, r.takingAttendance, r.registered ? r.takingAttendance / r.registered : null, r.guardians ? r.guardiansLinked / r.guardians : null]);
    for (const c of [5, 6]) row.getCell(c).numFmt = '0.0%';
  }
  ws.columns.forEach((col, i) => (col.width = i === 1 ? 24 : 16));
}
