/**
 * Cambodia's 25 provinces (24 provinces and the capital) with the codes of the national
 * gazetteer (01–25, in the order the ministry's statistics use), their Khmer and English names,
 * and the other spellings people type. Shipped as data by migration 0017 (same list).
 *
 * Districts and communes are NOT shipped: no list at hand was reliable enough to copy, so the
 * registry import takes them as the ministry's file writes them (text per school).
 */
import type { Executor } from '../core/db/client.js';
import { provinces } from '../core/db/schema.js';

export interface ProvinceData {
  code: string;
  nameKm: string;
  nameEn: string;
  /** other English spellings in common use */
  aliases?: readonly string[];
}

export const PROVINCES: readonly ProvinceData[] = [
  { code: '01', nameKm: 'បន្ទាយមានជ័យ', nameEn: 'Banteay Meanchey' },
  { code: '02', nameKm: 'បាត់ដំបង', nameEn: 'Battambang' },
  { code: '03', nameKm: 'កំពង់ចាម', nameEn: 'Kampong Cham' },
  { code: '04', nameKm: 'កំពង់ឆ្នាំង', nameEn: 'Kampong Chhnang' },
  { code: '05', nameKm: 'កំពង់ស្ពឺ', nameEn: 'Kampong Speu' },
  { code: '06', nameKm: 'កំពង់ធំ', nameEn: 'Kampong Thom' },
  { code: '07', nameKm: 'កំពត', nameEn: 'Kampot' },
  { code: '08', nameKm: 'កណ្ដាល', nameEn: 'Kandal' },
  { code: '09', nameKm: 'កោះកុង', nameEn: 'Koh Kong' },
  { code: '10', nameKm: 'ក្រចេះ', nameEn: 'Kratie' },
  { code: '11', nameKm: 'មណ្ឌលគិរី', nameEn: 'Mondul Kiri', aliases: ['Mondulkiri'] },
  { code: '12', nameKm: 'ភ្នំពេញ', nameEn: 'Phnom Penh' },
  { code: '13', nameKm: 'ព្រះវិហារ', nameEn: 'Preah Vihear' },
  { code: '14', nameKm: 'ព្រៃវែង', nameEn: 'Prey Veng' },
  { code: '15', nameKm: 'ពោធិ៍សាត់', nameEn: 'Pursat' },
  { code: '16', nameKm: 'រតនគិរី', nameEn: 'Ratanak Kiri', aliases: ['Ratanakiri', 'Rattanakiri'] },
  { code: '17', nameKm: 'សៀមរាប', nameEn: 'Siem Reap', aliases: ['Siemreap'] },
  { code: '18', nameKm: 'ព្រះសីហនុ', nameEn: 'Preah Sihanouk', aliases: ['Sihanoukville'] },
  { code: '19', nameKm: 'ស្ទឹងត្រែង', nameEn: 'Stung Treng', aliases: ['Steung Treng'] },
  { code: '20', nameKm: 'ស្វាយរៀង', nameEn: 'Svay Rieng' },
  { code: '21', nameKm: 'តាកែវ', nameEn: 'Takeo' },
  { code: '22', nameKm: 'ឧត្ដរមានជ័យ', nameEn: 'Oddar Meanchey' },
  { code: '23', nameKm: 'កែប', nameEn: 'Kep' },
  { code: '24', nameKm: 'ប៉ៃលិន', nameEn: 'Pailin' },
  { code: '25', nameKm: 'ត្បូងឃ្មុំ', nameEn: 'Tboung Khmum' },
];

/** "Kampong Cham", "kampong-cham", "KOMPONG CHAM" and "KampongCham" are one key. */
export function nameKey(s: string): string {
  return s
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\s\-_'’.]+/g, '')
    .replace(/^kompong/, 'kampong')
    .replace(/ខេត្ត|រាជធានី/g, '')
    .replace(/province$|city$/, '');
}

const BY_KEY = new Map<string, ProvinceData>();
for (const p of PROVINCES) {
  for (const n of [p.nameEn, p.nameKm, ...(p.aliases ?? [])]) BY_KEY.set(nameKey(n), p);
}

/** A shipped province by its code ("3", "03") or any of its names; undefined when none. */
export function shippedProvince(value: string): ProvinceData | undefined {
  const v = value.trim();
  if (/^\d{1,2}$/.test(v)) return PROVINCES.find((p) => p.code === v.padStart(2, '0'));
  return BY_KEY.get(nameKey(v));
}

export interface ProvinceRow {
  id: number;
  code: string;
  nameKm: string;
  nameEn: string;
}

/** A province of the database by code ("03", "3"), English or Khmer name ("Kampong Cham", "កំពង់ចាម"). */
export async function findProvince(ex: Executor, value: string): Promise<ProvinceRow | undefined> {
  const all = await ex.select({ id: provinces.id, code: provinces.code, nameKm: provinces.nameKm, nameEn: provinces.nameEn }).from(provinces);
  return matchProvince(all, value);
}

export function matchProvince(all: readonly ProvinceRow[], value: string): ProvinceRow | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  const exact = all.find((p) => p.code === v);
  if (exact) return exact;
  const shipped = shippedProvince(v);
  if (shipped) return all.find((p) => p.code === shipped.code);
  const key = nameKey(v);
  return all.find((p) => nameKey(p.nameEn) === key || nameKey(p.nameKm) === key);
}

