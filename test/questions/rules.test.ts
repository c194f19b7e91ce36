/**
 * The pure rules: what a question or answer may contain, times of day, quiet hours across
 * midnight in the school's time zone, and the history that must fit one Telegram message.
 */
import { describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/app.js';
import { checkContent, deliveryTime, inQuietHours, MAX_TEXT_CHARS, parseTime, zonedInstant } from '../../src/questions/rules.js';
import { formatDuration, historyText, type HistoryThread } from '../../src/questions/render.js';

const notifier = createNotifier({ DEFAULT_LOCALE: 'km' });
const tEn = (key: string, vars?: Record<string, string | number>) => notifier.t('en', key, vars);

describe('checkContent', () => {
  it('accepts text, voice and photos from parents, trimmed and without invisible characters', () => {
    expect(checkContent({ kind: 'text', text: '  \u200Bសួស្តី  ' }, 'parent')).toEqual({ ok: true, value: { kind: 'text', body: 'សួស្តី', fileId: null } });
    expect(checkContent({ kind: 'voice', fileId: 'AwACAgUAAxkBAAI1', seconds: 30, bytes: 90_000 }, 'parent')).toEqual({ ok: true, value: { kind: 'voice', body: null, fileId: 'AwACAgUAAxkBAAI1' } });
    expect(checkContent({ kind: 'photo', fileId: 'AgACAgUAAxkBAAI2', caption: ' look ' }, 'parent')).toEqual({ ok: true, value: { kind: 'photo', body: 'look', fileId: 'AgACAgUAAxkBAAI2' } });
  });

  it('refuses empty, too long, oversized, unsupported and (from staff) photos', () => {
    const problem = (c: Parameters<typeof checkContent>[0], from: 'parent' | 'staff' = 'parent') => {
      const r = checkContent(c, from);
      return r.ok ? 'ok' : r.problem;
    };
    expect(problem({ kind: 'text', text: ' \u200B\u00AD ' })).toBe('empty');
    expect(problem({ kind: 'text', text: 'ក'.repeat(MAX_TEXT_CHARS) })).toBe('ok');
    expect(problem({ kind: 'text', text: 'ក'.repeat(MAX_TEXT_CHARS + 1) })).toBe('too-long');
    expect(problem({ kind: 'text', text: 'x'.repeat(5000) })).toBe('too-long');
    expect(problem({ kind: 'voice', fileId: 'AwACAgUAAxkBAAI1', bytes: 6 * 1024 * 1024 })).toBe('too-big');
    expect(problem({ kind: 'voice', fileId: 'AwACAgUAAxkBAAI1', seconds: 301 })).toBe('voice-too-long');
    expect(problem({ kind: 'photo', fileId: 'AgACAgUAAxkBAAI2', caption: 'x'.repeat(801) })).toBe('caption-too-long');
    expect(problem({ kind: 'photo', fileId: 'not a file id!' })).toBe('unsupported');
    expect(problem({ kind: 'unsupported' })).toBe('unsupported');
    expect(problem({ kind: 'photo', fileId: 'AgACAgUAAxkBAAI2' }, 'staff')).toBe('no-photo');
    expect(problem({ kind: 'voice', fileId: 'AwACAgUAAxkBAAI1' }, 'staff')).toBe('ok');
  });
});

describe('times and quiet hours', () => {
  it('reads times of day as people write them', () => {
    expect(['6:30', '06:30', '06.30', '0630', '20:00', '23:59'].map(parseTime)).toEqual(['06:30', '06:30', '06:30', '06:30', '20:00', '23:59']);
    expect(['24:00', '6', '25:00', '12:60', 'noon', ''].map(parseTime)).toEqual([null, null, null, null, null, null]);
  });

  it('knows a window that runs over midnight and one that does not', () => {
    const night = { startsAt: '20:00', endsAt: '06:30' };
    expect(['19:59', '20:00', '23:59', '00:00', '06:29', '06:30', '12:00'].map((x) => inQuietHours(x, night))).toEqual([false, true, true, true, true, false, false]);
    const lunch = { startsAt: '11:30', endsAt: '13:00' };
    expect(['11:29', '11:30', '12:59', '13:00'].map((x) => inQuietHours(x, lunch))).toEqual([false, true, true, false]);
    expect(inQuietHours('12:00', { startsAt: '12:00', endsAt: '12:00' })).toBe(false);
  });

  it('holds a non-urgent question until the quiet hours end, in the school\'s time zone', () => {
    const tz = 'Asia/Phnom_Penh';
    const night = { startsAt: '20:00', endsAt: '06:30' };
    // 21:00 on 11 January → 06:30 on 12 January (23:30 UTC on the 11th)
    expect(deliveryTime(new Date('2027-01-11T14:00:00Z'), tz, night, false).toISOString()).toBe('2027-01-11T23:30:00.000Z');
    // 05:00 on 12 January → 06:30 the same day
    expect(deliveryTime(new Date('2027-01-11T22:00:00Z'), tz, night, false).toISOString()).toBe('2027-01-11T23:30:00.000Z');
    // urgent, outside the window, or no window: at once
    const at = new Date('2027-01-11T14:00:00Z');
    expect(deliveryTime(at, tz, night, true)).toEqual(at);
    expect(deliveryTime(new Date('2027-01-11T05:00:00Z'), tz, night, false)).toEqual(new Date('2027-01-11T05:00:00Z'));
    expect(deliveryTime(at, tz, null, false)).toEqual(at);
  });

  it('turns a local time into an instant, also where clocks change', () => {
    expect(zonedInstant('2027-01-12', '06:30', 'Asia/Phnom_Penh').toISOString()).toBe('2027-01-11T23:30:00.000Z');
    // New York: 07:00 is UTC-5 in winter and UTC-4 in summer.
    expect(zonedInstant('2027-01-12', '07:00', 'America/New_York').toISOString()).toBe('2027-01-12T12:00:00.000Z');
    expect(zonedInstant('2027-07-12', '07:00', 'America/New_York').toISOString()).toBe('2027-07-12T11:00:00.000Z');
  });
});

describe('rendering', () => {
  it('writes durations in minutes, hours or days, with Khmer digits in Khmer', () => {
    expect(formatDuration(tEn, 'en', 59)).toBe(tEn('questions-dur-minutes', { m: '1' }));
    expect(formatDuration(tEn, 'en', 3 * 3600 + 20 * 60)).toBe(tEn('questions-dur-hours', { h: '3', m: '20' }));
    expect(formatDuration(tEn, 'en', 50 * 3600)).toBe(tEn('questions-dur-days', { d: '2', h: '2' }));
    expect(formatDuration((k, v) => notifier.t('km', k, v), 'km', 25 * 3600)).toBe(notifier.t('km', 'questions-dur-hours', { h: '២៥', m: '០' }));
  });

  it('keeps a long history within one Telegram message, newest messages first to stay', () => {
    const thread: HistoryThread = {
      id: 1,
      child: { nameKm: 'ឈឹម រតនៈ', nameEn: 'Chhim Ratanak' },
      className: '7A',
      teacher: { nameKm: 'កែវ មករា', nameEn: 'Keo Makara' },
      status: 'open',
      timezone: 'Asia/Phnom_Penh',
      messages: Array.from({ length: 6 }, (_, i) => ({
        id: i + 1,
        author: i % 2 ? ('staff' as const) : ('parent' as const),
        kind: 'text' as const,
        body: `message ${i + 1} ${'ក'.repeat(MAX_TEXT_CHARS - 20)}`,
        urgent: false,
        createdAt: new Date(Date.UTC(2027, 0, 11, 3, i)).toISOString(),
      })),
    };
    const text = historyText(tEn, 'en', thread);
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text).toContain('message 6 ');
    expect(text).not.toContain('message 5 ');
    expect(text).toContain(tEn('questions-history-earlier', { count: '5' }));
    expect(text.startsWith(tEn('questions-history-title', { child: 'Chhim Ratanak (ឈឹម រតនៈ)', class: '7A', teacher: 'Keo Makara' }))).toBe(true);
  });
});
