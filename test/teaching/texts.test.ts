/**
 * Every text teaching and staffing build from a code at run time exists in both languages (the
 * locale test finds only literal keys), and Khmer ones are Khmer.
 */
import { describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/app.js';
import { localeKeys } from '../../src/core/i18n/index.js';
import { CODE_LISTS, codeKey } from '../../src/staffing/codes.js';
import { LEAVE_REASONS } from '../../src/staffing/schema.js';
import { STATUS_WIRE } from '../../src/staffing/buttons.js';
import { SUBJECTS, subjectKey } from '../../src/teaching/subjects.js';
import { LESSON_REASONS } from '../../src/teaching/schema.js';
import type { ProblemCode } from '../../src/teaching/grid.js';

const PROBLEMS: ProblemCode[] = ['unreadable', 'no-sheets', 'too-big', 'unknown-class', 'duplicate-class', 'no-grid', 'bad-time', 'overlapping-periods', 'unknown-teacher', 'inactive-teacher', 'unknown-subject', 'bad-cell', 'teacher-clash', 'over-cap'];

const keys = [
  ...Object.entries(CODE_LISTS).flatMap(([list, codes]) => codes.map((c) => codeKey(list as keyof typeof CODE_LISTS, c))),
  ...Object.keys(STATUS_WIRE).map((s) => `staffing-status-${s}`),
  ...['position', 'qualification', 'training'].map((d) => `staffing-counts-by-${d}`),
  ...['unreadable', 'no-header', 'unknown-staff', 'duplicate-staff', 'bad-code', 'bad-sex', 'bad-date', 'too-many-rows'].map((c) => `staffing-err-${c}`),
  ...LEAVE_REASONS.flatMap((r) => [`staffing-leave-reason-${r}`, `teaching-leave-reason-${r}`]),
  ...['forbidden', 'not-found'].map((r) => `staffing-record-${r}`),
  'staffing-sex-M',
  'staffing-sex-F',
  ...SUBJECTS.map(subjectKey),
  ...LESSON_REASONS.map((r) => `teaching-reason-${r}`),
  ...[1, 2, 3, 4, 5, 6, 7].flatMap((d) => [`teaching-day-${d}`, `teaching-day-short-${d}`]),
  ...PROBLEMS.map((c) => `teaching-err-${c}`),
  ...['late', 'closed', 'empty'].map((r) => `teaching-book-refused-${r}`),
  ...['no-timetable', 'low-share', 'unconfirmed'].map((c) => `teaching-call-${c}`),
  ...['forbidden', 'not-found', 'no-need', 'busy', 'closed'].map((r) => `teaching-cover-refused-${r}`),
  ...['approved', 'declined'].flatMap((d) => [`teaching-leave-${d}`, `teaching-leave-decided-${d}`, `teaching-leave-told-${d}`]),
  ...['approved', 'declined', 'cancelled', 'pending'].map((s) => `teaching-leave-already-${s}`),
  ...['forbidden', 'not-found', 'closed-week'].map((r) => `teaching-leave-decide-${r}`),
  ...['forbidden', 'bad-days', 'too-long', 'too-old', 'document-needed', 'overlap', 'closed-week'].map((r) => `teaching-leave-refused-${r}`),
  ...['not-found', 'forbidden', 'late', 'closed', 'bad-teacher', 'bad-topic'].map((r) => `teaching-lesson-refused-${r}`),
  ...['forbidden', 'not-found', 'no-timetable'].map((r) => `teaching-picture-${r}`),
  ...['forbidden', 'not-found', 'future'].map((r) => `teaching-week-refused-${r}`),
  ...['code', 'name', 'school', 'planned', 'delivered', 'cover-given', 'cover-received', 'delivered-total', 'share', 'unconfirmed', 'leave-days', 'hours-planned', 'hours-delivered', 'subject', 'class', 'not-taught', 'date', 'period', 'time', 'teacher', 'reason', 'taught-by', 'confirmed', 'call'].map((c) => `teaching-col-${c}`),
];

describe('texts built from codes', () => {
  it('exist in Khmer and English, and the Khmer ones are written in Khmer', () => {
    const km = localeKeys('km');
    const en = localeKeys('en');
    expect(keys.filter((k) => !km.has(k) || !en.has(k))).toEqual([]);
    const n = createNotifier({ DEFAULT_LOCALE: 'km' });
    // Codes that are numbers or Latin abbreviations in both languages (12+2 is written with Khmer digits).
    const vars = Object.fromEntries(['cell', 'other', 'value', 'teacher', 'day', 'count', 'cap', 'days', 'reason', 'needs', 'name'].map((v) => [v, 'x']));
    const notKhmer = keys.filter((k) => !/[\u1780-\u17FF]/.test(n.t('km', k, vars)));
    expect(notKhmer).toEqual([]);
  });
});
