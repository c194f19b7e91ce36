/** The demo roster's phone numbers, for `npm run try`'s guide and :phones. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { DEMO_FIXTURES as DEFAULT_FIXTURES } from '../src/roster/demo.js';
import { dim } from './try-view.js';
export interface PhoneHint {
  phone: string;
  who: string;
  note: string;
}

export function rosterHints(): { guardians: PhoneHint[]; principal?: PhoneHint; teacher?: PhoneHint } {
  const read = (name: string) =>
    parseCsv(readFileSync(path.join(DEFAULT_FIXTURES, name)), { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Array<
      Record<string, string>
    >;
  const byPhone = new Map<string, { name: string; order: number; children: Array<{ name: string; cls: string }> }>();
  for (const r of read('students.csv')) {
    for (const [phoneCol, nameCol] of [
      ['guardian_phone', 'guardian_name'],
      ['guardian2_phone', 'guardian2_name'],
    ] as const) {
      const phone = r[phoneCol];
      if (!phone) continue;
      const g = byPhone.get(phone) ?? { name: r[nameCol] ?? '', order: byPhone.size, children: [] };
      g.children.push({ name: r.name_en || r.name_km || '?', cls: r.class ?? '?' });
      byPhone.set(phone, g);
    }
  }
  const classesOf = (g: { children: Array<{ cls: string }> }) => new Set(g.children.map((c) => c.cls)).size;
  const guardians = [...byPhone.entries()]
    .filter(([, g]) => classesOf(g) > 1)
    .sort(([, a], [, b]) => classesOf(b) - classesOf(a) || b.children.length - a.children.length || a.order - b.order)
    .slice(0, 2)
    .map(([phone, g]) => ({
      phone,
      who: g.name,
      note: `parent of ${g.children.length} children: ${g.children.map((c) => `${c.name} (${c.cls})`).join(', ')}`,
    }));
  const staffRows = read('staff.csv');
  const hint = (r: Record<string, string> | undefined, note: string): PhoneHint | undefined =>
    r?.phone ? { phone: r.phone, who: r.name_en || r.name_km || '?', note } : undefined;
  const p = staffRows.find((r) => r.role === 'principal');
  const t = staffRows.find((r) => r.role === 'teacher' && r.homeroom_class);
  return {
    guardians,
    principal: hint(p, 'the principal'),
    teacher: hint(t, `a teacher, homeroom ${t?.homeroom_class ?? ''}`.trim()),
  };
}

export function phonesText(school: string): string {
  const h = rosterHints();
  const rows = [...h.guardians, h.principal, h.teacher].filter((x): x is PhoneHint => x !== undefined);
  const width = Math.max(...rows.map((r) => r.phone.length));
  return [
    `Phone numbers on the demo roster (${school}); share one with :contact PHONE`,
    ...rows.map((r) => `  ${r.phone.padEnd(width)}  ${r.who}, ${r.note}`),
    dim('  (all of them: guardian_phone in students.csv, phone in staff.csv, in ' + path.relative(process.cwd(), DEFAULT_FIXTURES) + ')'),
  ].join('\n');
}

/** What Telegram puts in contact.phone_number: digits with the country code (no "+", no spaces). */
export function telegramPhone(typed: string): string {
  const digits = typed.replace(/[^\d+]/g, '');
  if (digits.startsWith('+')) return digits.slice(1);
  if (digits.startsWith('0') && !digits.startsWith('00')) return '855' + digits.slice(1);
  return digits;
}
