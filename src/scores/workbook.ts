/**
 * The Excel template a teacher fills: one row per student in roll order (roll, student id, code,
 * name, score), the sheet it belongs to written in a cell the bot reads back (`sc:class:subject:test`),
 * so a file sent back is checked against the teacher's own classes and subjects again.
 */
import ExcelJS from 'exceljs';
import type { Executor } from '../core/db/client.js';
import type { Locale } from '../core/db/schema.js';
import { enteredCells, rosterOf, type Target } from './service-entry.js';
import type { PlanAssessment } from './service-setup.js';

const MARK = /^sc:(\d+):(\d+):(\d+)$/;

export async function templateWorkbook(db: Executor, target: Target, a: PlanAssessment, locale: Locale, t: (key: string) => string): Promise<{ bytes: Buffer; fileName: string }> {
  const roster = await rosterOf(db, target.classId);
  const entered = await enteredCells(db, { classId: target.classId, subjectId: target.subjectId, assessmentId: a.id });
  const book = new ExcelJS.Workbook();
  const ws = book.addWorksheet('scores');
  ws.addRow([t('scores-xls-roll'), 'id', t('scores-xls-name'), `${t('scores-xls-score')} (0-${target.maxScore})`, `sc:${target.classId}:${target.subjectId}:${a.id}`]);
  ws.getRow(1).font = { bold: true };
  for (const s of roster) ws.addRow([s.rollNo, s.studentId, locale === 'en' && s.nameEn ? s.nameEn : s.nameKm, entered[String(s.studentId)] ?? '']);
  ws.getColumn(2).hidden = true;
  ws.getColumn(3).width = 28;
  ws.getColumn(4).width = 16;
  ws.getColumn(5).hidden = true;
  return { bytes: Buffer.from(await book.xlsx.writeBuffer()), fileName: `scores-${target.className}-${target.subjectCode}-${a.code}.xlsx` };
}

export type TemplateRead =
  | { ok: true; classId: number; subjectId: number; assessmentId: number; rows: Array<{ studentId: number; text: string }> }
  | { ok: false; reason: 'not-template' | 'unreadable' };

export async function readTemplate(bytes: Uint8Array): Promise<TemplateRead> {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
  const ws = book.getWorksheet('scores');
  const mark = ws ? String(ws.getCell('E1').value ?? '') : '';
  const m = MARK.exec(mark);
  if (!ws || !m) return { ok: false, reason: 'not-template' };
  const rows: Array<{ studentId: number; text: string }> = [];
  for (let i = 2; i <= ws.rowCount; i++) {
    const row = ws.getRow(i);
    const id = Number(row.getCell(2).value);
    if (!Number.isSafeInteger(id) || id <= 0) continue;
    const v = row.getCell(4).value;
    const text = v === null || v === undefined ? '' : typeof v === 'object' && 'result' in v ? String(v.result ?? '') : String(v);
    rows.push({ studentId: id, text });
  }
  return { ok: true, classId: Number(m[1]), subjectId: Number(m[2]), assessmentId: Number(m[3]), rows };
}
