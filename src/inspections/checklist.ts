/**
 * The cleanliness checklist: the default (five areas, items with points) and the list in force
 * for a school — its own, else its province's, else the default.
 */
import { eq, sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../core/db/client.js';
import { inspectionChecklists, type ChecklistItem } from './schema.js';

export const AREAS = ['classroom', 'toilets', 'water', 'yard', 'waste'] as const;

export const DEFAULT_CHECKLIST: readonly ChecklistItem[] = [
  { area: 'classroom', code: 'floor', labelKm: 'ឥដ្ឋថ្នាក់ស្អាត', labelEn: 'Classroom floor clean', points: 10 },
  { area: 'classroom', code: 'desks', labelKm: 'តុ កៅអី ស្អាត និងរៀបរយ', labelEn: 'Desks clean and in order', points: 10 },
  { area: 'classroom', code: 'board', labelKm: 'ក្តារខៀនស្អាត', labelEn: 'Board clean', points: 5 },
  { area: 'toilets', code: 'toilet-clean', labelKm: 'បង្គន់ស្អាត គ្មានក្លិន', labelEn: 'Toilets clean, no smell', points: 15 },
  { area: 'toilets', code: 'toilet-soap', labelKm: 'មានទឹក និងសាប៊ូលាងដៃ', labelEn: 'Water and soap for hands', points: 10 },
  { area: 'water', code: 'drinking', labelKm: 'ទឹកស្អាតសម្រាប់ផឹក', labelEn: 'Clean drinking water', points: 15 },
  { area: 'yard', code: 'yard-clean', labelKm: 'ទីធ្លាស្អាត', labelEn: 'Yard clean', points: 10 },
  { area: 'yard', code: 'garden', labelKm: 'សួនច្បារថែទាំ', labelEn: 'Garden kept', points: 5 },
  { area: 'waste', code: 'bins', labelKm: 'មានធុងសំរាម', labelEn: 'Waste bins in place', points: 10 },
  { area: 'waste', code: 'sorted', labelKm: 'សំរាមបានចោល និងញែក', labelEn: 'Waste emptied and sorted', points: 10 },
];

/** Whether a list of items is one a school can inspect with. */
export function checklistProblems(items: ChecklistItem[]): string[] {
  const problems: string[] = [];
  const codes = new Set<string>();
  if (items.length === 0 || items.length > 30) problems.push('a checklist has 1 to 30 items');
  for (const [i, it] of items.entries()) {
    if (!(AREAS as readonly string[]).includes(it.area)) problems.push(`item ${i + 1}: area must be one of ${AREAS.join(', ')}`);
    if (!/^[a-z0-9-]{1,16}$/.test(it.code) || codes.has(it.code)) problems.push(`item ${i + 1}: code must be unique, 1-16 of a-z 0-9 -`);
    codes.add(it.code);
    if (!it.labelKm?.trim() || !it.labelEn?.trim() || it.labelKm.length > 60 || it.labelEn.length > 60) problems.push(`item ${i + 1}: both labels, at most 60 characters`);
    if (!Number.isInteger(it.points) || it.points < 1 || it.points > 100) problems.push(`item ${i + 1}: points 1-100`);
  }
  return problems;
}

/** The checklist in force for a school. */
export async function checklistFor(ex: Executor, schoolId: number): Promise<readonly ChecklistItem[]> {
  const [row] = rowsOf<{ items: ChecklistItem[] | string }>(
    await ex.execute(sql`
      select c.items from schools s join inspection_checklists c on c.school_id = s.id or (c.province_id = s.province_id)
       where s.id = ${schoolId} order by (c.school_id is not null) desc limit 1`),
  );
  if (!row) return DEFAULT_CHECKLIST;
  return typeof row.items === 'string' ? (JSON.parse(row.items) as ChecklistItem[]) : row.items;
}

/** Keeps a school's (or a province's) own list. */
export async function setChecklist(ex: Executor, scope: { schoolId: number } | { provinceId: number }, items: ChecklistItem[], by: string): Promise<void> {
  const where = 'schoolId' in scope ? eq(inspectionChecklists.schoolId, scope.schoolId) : eq(inspectionChecklists.provinceId, scope.provinceId);
  await ex.delete(inspectionChecklists).where(where);
  await ex.insert(inspectionChecklists).values({ ...('schoolId' in scope ? { schoolId: scope.schoolId } : { provinceId: scope.provinceId }), items, updatedBy: by });
}
