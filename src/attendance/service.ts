/**
 * Daily attendance's services, one file per section (no grammY: plain inputs, plain results):
 * - service-calendar.ts: school days, holidays, the school week and reminder times;
 * - service-sheet.ts: who may mark which class, the sheet and changes to its draft;
 * - service-submit.ts: submitting (attendance rows + submission + family alerts through the
 *   outbox, in one statement), corrections, families' answers;
 * - service-day.ts: the day's overview for the office, reminders, substitutes.
 * Other capabilities import from here, so the sections can move without touching them.
 */
export * from './service-calendar.js';
export * from './service-sheet.js';
export * from './service-submit.js';
export * from './service-day.js';
