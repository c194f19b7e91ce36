/** `calendar`: holidays, the school week and reminder times. */
import { CliUsageError, requireOption, type CliCommand } from '../core/cli.js';
import { isRealDay } from '../core/clock.js';
import { getSchool } from '../schools/service.js';
import { getSettings, setCalendarDay, setSettings, upcomingHolidays } from './service.js';

const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;

export const calendarCli: CliCommand = {
  name: 'calendar',
  usage: '--school CODE [--holiday DATE [--note TEXT]] [--school-day DATE] [--normal DATE]\n       [--week-days 1,2,3,4,5,6] [--remind-morning HH:MM] [--remind-afternoon HH:MM]\n       [--past-day-notice plain|none]',
  summary: 'holidays, school week and reminder times',
  options: {
    school: { type: 'string' },
    holiday: { type: 'string' },
    note: { type: 'string' },
    'school-day': { type: 'string' },
    normal: { type: 'string' },
    'week-days': { type: 'string' },
    'remind-morning': { type: 'string' },
    'remind-afternoon': { type: 'string' },
    'past-day-notice': { type: 'string' },
  },
  async run(ctx, { values: v }) {
    const { db } = ctx.database;
    const schoolCode = requireOption(v, 'school');
    const school = await getSchool(db, schoolCode);
    if (!school) throw new CliUsageError(`no school with code ${schoolCode}`);
    const day = (name: string) => {
      const d = v[name];
      if (typeof d !== 'string') return undefined;
      if (!isRealDay(d)) throw new CliUsageError(`--${name} takes a date YYYY-MM-DD`);
      return d;
    };
    const holiday = day('holiday');
    const schoolDay = day('school-day');
    const normal = day('normal');
    if (holiday) await setCalendarDay(db, { schoolId: school.id, day: holiday, kind: 'holiday', note: typeof v.note === 'string' ? v.note : undefined, actor: 'cli' });
    if (schoolDay) await setCalendarDay(db, { schoolId: school.id, day: schoolDay, kind: 'school-day', actor: 'cli' });
    if (normal) await setCalendarDay(db, { schoolId: school.id, day: normal, kind: 'normal', actor: 'cli' });
    let weekDays: number[] | undefined;
    if (typeof v['week-days'] === 'string') {
      weekDays = v['week-days'].split(',').map((x) => Number(x.trim()));
      if (weekDays.length === 0 || weekDays.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) throw new CliUsageError('--week-days takes ISO weekdays 1-7, e.g. 1,2,3,4,5,6');
    }
    const remindAt: Record<string, string> = {};
    for (const shift of ['morning', 'afternoon'] as const) {
      const x = v[`remind-${shift}`];
      if (typeof x === 'string') {
        if (!TIME_RE.test(x)) throw new CliUsageError(`--remind-${shift} takes HH:MM`);
        remindAt[shift] = x;
      }
    }
    const notice = v['past-day-notice'];
    if (notice !== undefined && notice !== 'plain' && notice !== 'none') throw new CliUsageError('--past-day-notice takes plain or none');
    if (notice !== undefined) await setSettings(db, { schoolId: school.id, pastDayNotice: notice, actor: 'cli' });
    if (weekDays || Object.keys(remindAt).length > 0) {
      await setSettings(db, { schoolId: school.id, weekDays, remindAt, actor: 'cli' });
      if (!(await ctx.syncSchool(school.id))) ctx.out.line('(Redis not reachable: the worker picks up reminder times at its next start or within the hour)');
    }
    const settings = await getSettings(db, school.id);
    ctx.out.line(`${school.code}: school week ${settings.weekDays.join(',')} (1 = Monday); reminders morning ${settings.remindAt.morning}, afternoon ${settings.remindAt.afternoon} (${school.timezone}); families told of past-day absences: ${settings.pastDayNotice === 'plain' ? 'plain notice' : 'no'}`);
    const holidays = await upcomingHolidays(db, school.id, new Date().toISOString().slice(0, 10), 365);
    ctx.out.line(holidays.length ? `Holidays: ${holidays.map((h) => `${h.day}${h.note ? ` (${h.note})` : ''}`).join(', ')}` : 'Holidays: none in the coming year');
    return true;
  },
};
