/** `inspections checklist`: a school's or a province's own checklist from a CSV file (area,code,label_km,label_en,points). */
import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { CliUsageError, type CliCommand } from '../core/cli.js';
import { audit } from '../core/auth/audit.js';
import { provinces } from '../core/db/schema.js';
import { getSchool } from '../schools/service.js';
import { checklistProblems, setChecklist } from './checklist.js';
import type { ChecklistItem } from './schema.js';

const checklistCli: CliCommand = {
  name: 'inspections checklist',
  usage: '(--school CODE | --province CODE) FILE.csv',
  summary: 'replaces the cleanliness checklist of a school or a province (CSV: area,code,label_km,label_en,points)',
  options: { school: { type: 'string' }, province: { type: 'string' } },
  positionals: true,
  async run(ctx, { values, positionals }) {
    const db = ctx.database.db;
    const file = positionals[0];
    if (!file) throw new CliUsageError('give the checklist CSV');
    const text = await readFile(file, 'utf8').catch(() => {
      throw new CliUsageError(`cannot read ${file}`);
    });
    const rows = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim());
    const items: ChecklistItem[] = rows.slice(1).map((l) => {
      const [area, code, labelKm, labelEn, points] = l.split(',').map((c) => c.trim());
      return { area: area ?? '', code: code ?? '', labelKm: labelKm ?? '', labelEn: labelEn ?? '', points: Number(points) };
    });
    const problems = checklistProblems(items);
    if (problems.length) {
      for (const p of problems) ctx.out.line(p);
      return false;
    }
    if (values.school) {
      const school = await getSchool(db, String(values.school));
      if (!school) throw new CliUsageError(`no school with code ${String(values.school)}`);
      await setChecklist(db, { schoolId: school.id }, items, 'cli');
      await audit(db, { actor: 'cli', schoolId: school.id, action: 'inspections.checklist', details: { items: items.length } });
    } else if (values.province) {
      const [p] = await db.select({ id: provinces.id }).from(provinces).where(eq(provinces.code, String(values.province)));
      if (!p) throw new CliUsageError(`no province with code ${String(values.province)}`);
      await setChecklist(db, { provinceId: p.id }, items, 'cli');
      await audit(db, { actor: 'cli', action: 'inspections.checklist', entity: 'province', entityId: p.id, details: { items: items.length } });
    } else throw new CliUsageError('give --school or --province');
    ctx.out.line(`Checklist of ${items.length} items saved.`);
    return true;
  },
};

export const inspectionsCli: readonly CliCommand[] = [checklistCli];
