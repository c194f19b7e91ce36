/** How staff records read in the chat: the principal's overview, one record, the province's counts. */
import type { Locale } from '../core/db/schema.js';
import { displayName, formatDay, formatNumber } from '../core/i18n/index.js';
import { staffStatus, staffImport, staffWorkbook, STATUS_WIRE } from './buttons.js';
import { codeKey, STAFF_STATUSES } from './codes.js';
import type { StaffCounts, StaffOverview, StaffRecord } from './records.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

interface View {
  text: string;
  reply_markup: { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> };
}

export function renderOverview(o: StaffOverview, school: string, locale: Locale, t: T): View {
  const n = (x: number) => formatNumber(locale, x);
  const lines = [t(locale, 'staffing-overview-title', { school, total: n(o.total.total), female: n(o.total.female) })];
  for (const p of o.byPosition) lines.push(`• ${t(locale, codeKey('position', p.position))}: ${n(p.total)} (${t(locale, 'staffing-female-short', { count: n(p.female) })})`);
  lines.push('', o.onLeave.length ? t(locale, 'staffing-on-leave-today', { count: n(o.onLeave.length) }) : t(locale, 'staffing-on-leave-none'));
  for (const l of o.onLeave) {
    const reason = l.reason === 'status' ? t(locale, codeKey('status', 'on-leave')) : t(locale, `staffing-leave-reason-${l.reason}`);
    lines.push(`• ${displayName(locale, l)} — ${reason}${l.toDay ? ` (${t(locale, 'staffing-until', { date: formatDay(locale, l.toDay) })})` : ''}`);
  }
  if (o.incomplete > 0) lines.push('', t(locale, 'staffing-incomplete', { count: n(o.incomplete) }));
  lines.push('', t(locale, 'staffing-overview-hint'));
  return {
    text: lines.join('\n'),
    reply_markup: { inline_keyboard: [[{ text: t(locale, 'staffing-btn-workbook'), callback_data: staffWorkbook.pack({}) }, { text: t(locale, 'staffing-btn-import'), callback_data: staffImport.pack({}) }]] },
  };
}

export function renderRecord(r: StaffRecord, locale: Locale, t: T): View {
  const label = (list: 'position' | 'qualification' | 'training' | 'employment' | 'status', code: string | null) => (code ? t(locale, codeKey(list, code)) : '—');
  const lines = [
    `${displayName(locale, r)} · ${r.staffCode}`,
    t(locale, 'staffing-record-line', {
      position: label('position', r.position),
      sex: r.sex ? t(locale, `staffing-sex-${r.sex}`) : '—',
      born: r.dateOfBirth ? formatDay(locale, r.dateOfBirth) : '—',
    }),
    t(locale, 'staffing-record-training', { qualification: label('qualification', r.qualification), training: label('training', r.trainingLevel) }),
    t(locale, 'staffing-record-work', { employment: label('employment', r.employment), since: r.startDate ? formatDay(locale, r.startDate) : '—', subjects: r.subjects.join(', ') || '—' }),
    t(locale, 'staffing-record-status', { status: label('status', r.status) }),
  ];
  return {
    text: lines.join('\n'),
    reply_markup: {
      inline_keyboard: [
        STAFF_STATUSES.filter((s) => s !== r.status).map((s) => ({ text: `→ ${t(locale, codeKey('status', s))}`, callback_data: staffStatus.pack({ staff: r.staffId, status: s as keyof typeof STATUS_WIRE }) })),
      ],
    },
  };
}

export function renderCounts(c: StaffCounts, place: string, locale: Locale, t: T): string {
  const n = (x: number) => formatNumber(locale, x);
  const lines = [t(locale, 'staffing-counts-title', { place, schools: n(c.schools), total: n(c.total.total), female: n(c.total.female) })];
  for (const [dimension, list] of [
    ['position', 'position'],
    ['qualification', 'qualification'],
    ['training', 'training'],
  ] as const) {
    lines.push('', t(locale, `staffing-counts-by-${dimension}`));
    for (const row of c.rows.filter((r) => r.dimension === dimension).sort((a, b) => b.total - a.total)) {
      const name = row.code ? t(locale, codeKey(list, row.code)) : t(locale, 'staffing-not-recorded');
      lines.push(`• ${name}: ${n(row.total)} (${t(locale, 'staffing-female-short', { count: n(row.female) })})`);
    }
  }
  return lines.join('\n');
}
