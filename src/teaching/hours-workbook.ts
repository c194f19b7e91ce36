/**
 * Teaching hours as workbooks. A school's month: Teachers (planned, delivered, cover given and
 * received, not taught by reason, not confirmed, leave days, hours), Subjects, Classes, Not
 * taught and Cover (one row per lesson). The province's month: one row per school with its share
 * of planned lessons delivered and whether to call it. Numbers are numbers, shares fractions with
 * a % format, days real dates.
 */
import ExcelJS from 'exceljs';
import type { Locale } from '../core/db/schema.js';
import { displayName } from '../core/i18n/index.js';
import { sheetName } from '../reports/workbook.js';
import type { HoursReport, LessonEntry, SchoolShare } from './hours.js';
import { REASONS } from './buttons.js';
import { subjectKey } from './subjects.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

function sheet(book: ExcelJS.Workbook, name: string, columns: Array<{ header: string; width: number; numFmt?: string }>): ExcelJS.Worksheet {
  const ws = book.addWorksheet(sheetName(name), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).alignment = { wrapText: true, vertical: 'middle' };
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return ws;
}

const share = (delivered: number, planned: number) => (planned > 0 ? delivered / planned : null);
const date = (day: string) => new Date(`${day}T00:00:00Z`);

export async function renderHoursWorkbook(report: HoursReport, locale: Locale, t: T): Promise<Buffer> {
  const h = (key: string) => t(locale, `teaching-col-${key}`);
  const book = new ExcelJS.Workbook();
  const teachers = sheet(book, t(locale, 'teaching-sheet-teachers'), [
    { header: h('code'), width: 16 },
    { header: h('name'), width: 26 },
    { header: h('planned'), width: 11 },
    { header: h('delivered'), width: 11 },
    { header: h('cover-given'), width: 12 },
    { header: h('cover-received'), width: 12 },
    { header: h('delivered-total'), width: 12 },
    { header: h('share'), width: 10, numFmt: '0%' },
    ...REASONS.map((r) => ({ header: t(locale, `teaching-reason-${r}`), width: 13 })),
    { header: h('unconfirmed'), width: 12 },
    { header: h('leave-days'), width: 10 },
    { header: h('hours-planned'), width: 11, numFmt: '0.0' },
    { header: h('hours-delivered'), width: 11, numFmt: '0.0' },
  ]);
  for (const r of report.teachers) {
    teachers.addRow([
      r.staffCode,
      displayName(locale, r),
      r.planned,
      r.delivered,
      r.coverGiven,
      r.coverReceived,
      r.delivered + r.coverGiven,
      share(r.delivered + r.coverGiven, r.planned),
      ...REASONS.map((x) => r.notTaught[x]),
      r.unconfirmed,
      r.leaveDays,
      r.plannedMinutes / 60,
      r.deliveredMinutes / 60,
    ]);
  }
  for (const [name, column, lines, label] of [
    [t(locale, 'teaching-sheet-subjects'), 'subject', report.subjects, (k: string) => t(locale, subjectKey(k))],
    [t(locale, 'teaching-sheet-classes'), 'class', report.classes, (k: string) => k],
  ] as const) {
    const ws = sheet(book, name, [
      { header: h(column), width: 22 },
      { header: h('planned'), width: 11 },
      { header: h('delivered-total'), width: 11 },
      { header: h('share'), width: 10, numFmt: '0%' },
      { header: h('not-taught'), width: 12 },
      { header: h('unconfirmed'), width: 12 },
    ]);
    for (const l of lines) ws.addRow([label(l.key), l.planned, l.delivered, share(l.delivered, l.planned), l.notTaught, l.unconfirmed]);
  }
  const lessonSheet = (name: string, list: LessonEntry[], withReason: boolean) => {
    const ws = sheet(book, name, [
      { header: h('date'), width: 12, numFmt: 'yyyy-mm-dd' },
      { header: h('class'), width: 8 },
      { header: h('period'), width: 8 },
      { header: h('time'), width: 13 },
      { header: h('subject'), width: 18 },
      { header: h('teacher'), width: 24 },
      { header: withReason ? h('reason') : h('taught-by'), width: 24 },
      { header: h('confirmed'), width: 10 },
    ]);
    for (const e of list) {
      ws.addRow([
        date(e.day),
        e.className,
        e.period,
        `${e.starts}-${e.ends}`,
        t(locale, subjectKey(e.subject)),
        e.planned ?? '',
        withReason ? t(locale, `teaching-reason-${e.reason ?? 'other'}`) : (e.taughtBy ?? ''),
        e.confirmed ? t(locale, 'teaching-yes') : t(locale, 'teaching-no'),
      ]);
    }
  };
  lessonSheet(t(locale, 'teaching-sheet-not-taught'), report.notTaught, true);
  lessonSheet(t(locale, 'teaching-sheet-cover'), report.covers, false);
  return Buffer.from(await book.xlsx.writeBuffer());
}

export async function renderRollupWorkbook(rows: SchoolShare[], locale: Locale, t: T): Promise<Buffer> {
  const h = (key: string) => t(locale, `teaching-col-${key}`);
  const book = new ExcelJS.Workbook();
  const ws = sheet(book, t(locale, 'teaching-sheet-schools'), [
    { header: h('code'), width: 14 },
    { header: h('school'), width: 36 },
    { header: h('planned'), width: 11 },
    { header: h('delivered-total'), width: 11 },
    { header: h('share'), width: 10, numFmt: '0%' },
    { header: h('not-taught'), width: 12 },
    { header: h('unconfirmed'), width: 12 },
    { header: h('call'), width: 30 },
  ]);
  for (const r of rows) {
    ws.addRow([r.code, locale === 'km' ? r.nameKm : r.nameEn, r.planned, r.delivered, r.share, r.notTaught, r.unconfirmed, r.call ? t(locale, `teaching-call-${r.call}`) : '']);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
