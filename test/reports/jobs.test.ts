/** The reports queue's job payloads: what the bot and the scheduler make passes, anything else is refused. */
import { describe, expect, it } from 'vitest';
import { reportsQueue } from '../../src/reports/jobs.js';

const request = {
  schoolId: 1,
  kind: 'range',
  from: '2026-11-23',
  to: '2026-11-24',
  period: '2026-11-23..2026-11-24',
  scope: 'class:7',
  classIds: [7],
  locale: 'km',
  requestedBy: 'tg:9002',
  today: '2026-11-24',
};
const ok = (data: unknown) => reportsQueue.payload.safeParse(data).success;

describe('report job payloads', () => {
  it('accept what the bot, the scheduler and the roll-up make', () => {
    expect(ok({ kind: 'request', request, chatId: 9002, requestKey: 'report:req:9002:1:2026-11:class:7:5' })).toBe(true);
    expect(ok({ kind: 'request', request: { ...request, kind: 'monthly', from: '2026-11-01', period: '2026-11', scope: 'school', classIds: undefined }, chatId: 9002, requestKey: 'k' })).toBe(true);
    expect(ok({ kind: 'scheduled', schoolId: 1, report: 'daily' })).toBe(true);
    expect(ok({ kind: 'rollup', provinceId: null, day: '2026-11-24', today: '2026-11-24', locale: 'en', chatId: 7201, requestedBy: 'system', key: 'k' })).toBe(true);
    expect(ok({ kind: 'rollup-daily' })).toBe(true);
  });

  it('refuse a scope that does not name the classes computed, periods the other way round, odd period names', () => {
    expect(ok({ kind: 'request', request: { ...request, scope: 'class:8' }, chatId: 9002, requestKey: 'k' })).toBe(false);
    expect(ok({ kind: 'request', request: { ...request, scope: 'school' }, chatId: 9002, requestKey: 'k' })).toBe(false);
    expect(ok({ kind: 'request', request: { ...request, from: '2026-11-25' }, chatId: 9002, requestKey: 'k' })).toBe(false);
    expect(ok({ kind: 'request', request: { ...request, period: 'week' }, chatId: 9002, requestKey: 'k' })).toBe(false);
    expect(ok({ kind: 'request', request: { ...request, schoolId: 99_999_999_999 }, chatId: 9002, requestKey: 'k' })).toBe(false);
    expect(ok({ kind: 'scheduled', schoolId: 1, report: 'weekly' })).toBe(false);
  });
});
