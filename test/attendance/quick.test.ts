import { describe, expect, it } from 'vitest';
import { parseQuickAttendance } from '../../src/attendance/quick.js';

describe('typed attendance lines', () => {
  it('reads the English and the Khmer forms, with late times', () => {
    expect(parseQuickAttendance('7A absent 3 17 22 late 5')).toEqual({
      ok: true,
      className: '7A',
      marks: [
        { roll: 3, status: 'absent' },
        { roll: 17, status: 'absent' },
        { roll: 22, status: 'absent' },
        { roll: 5, status: 'late' },
      ],
    });
    expect(parseQuickAttendance('១២a អវត្តមាន ៣, ៤ យឺត ៥ ៧:៤០ ច្បាប់ 9')).toEqual({
      ok: true,
      className: '12A',
      marks: [
        { roll: 3, status: 'absent' },
        { roll: 4, status: 'absent' },
        { roll: 5, status: 'late', time: '07:40' },
        { roll: 9, status: 'excused' },
      ],
    });
    expect(parseQuickAttendance('7a late 5@7.05')).toMatchObject({ ok: true, marks: [{ roll: 5, status: 'late', time: '07:05' }] });
  });

  it('leaves ordinary messages alone and names the token it cannot read', () => {
    expect(parseQuickAttendance('hello teacher')).toEqual({ ok: false, reason: 'not-attendance' });
    expect(parseQuickAttendance('7A is absent today')).toEqual({ ok: false, reason: 'not-attendance' });
    expect(parseQuickAttendance('13A absent 1')).toEqual({ ok: false, reason: 'not-attendance' });
    expect(parseQuickAttendance('7A absent 3 x 4')).toEqual({ ok: false, reason: 'bad-token', token: 'x' });
    expect(parseQuickAttendance('7A absent 3 late 3')).toEqual({ ok: false, reason: 'twice', token: '3' });
    expect(parseQuickAttendance('7A absent')).toMatchObject({ ok: false, reason: 'bad-token' });
    expect(parseQuickAttendance('7A late 5 25:99')).toMatchObject({ ok: false, reason: 'bad-token' });
  });
});
