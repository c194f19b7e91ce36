/**
 * School days and times are local to the school (Asia/Phnom_Penh by default). Everything that
 * asks "what day is it" goes through here, with `now` injectable for tests.
 */
export interface SchoolClock {
  /** YYYY-MM-DD in the school's time zone */
  day: string;
  /** HH:MM in the school's time zone */
  time: string;
  /** 1 = Monday … 7 = Sunday */
  isoWeekday: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    // Building an Intl formatter costs more than using one: one per time zone, reused.
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    });
    formats.set(timeZone, f);
  }
  return f;
}

export function schoolClock(timeZone: string, now: Date = new Date()): SchoolClock {
  const parts = Object.fromEntries(
    formatFor(timeZone)
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}`,
    isoWeekday: weekdays.indexOf(parts.weekday!) + 1,
  };
}

export function isoWeekday(day: string): number {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** A test or a benchmark can pin "now". */
export type Now = () => Date;
export const systemNow: Now = () => new Date();

/** A real calendar day written YYYY-MM-DD (2027-02-30 is not). */
export function isRealDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
