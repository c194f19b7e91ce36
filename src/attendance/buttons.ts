/**
 * Attendance's buttons, declared once and built and read only here (core/buttons.ts).
 *
 * `at`: the home menu's entries and the class sheet. Every sheet button carries the class and the
 * day (`at:<op>:<classId>:<yyyymmdd>[:…]`), so a button from yesterday or for a class that is not
 * yours is recognised and refused by the service, not trusted.
 * `td`: /today's "remind the missing classes" (`td:r:<yyyymmdd>`).
 * `ab`: a family's answer to an absence alert (`ab:a:<alertId>:<s|l|u>`), made by the service for
 * the outbox and read by the bot.
 */
import { buttonNamespace, day, id, int, oneOf, optional } from '../core/buttons.js';
import type { ExcuseReason } from './schema.js';

/** Roll numbers as the roster numbers a class; pages of the sheet (20 a page). */
const rollField = () => int(1, 999);
const pageField = () => int(0, 99);
/** the sheet message's stamp (service-sheet's sheetStamp); absent on buttons made without a sheet (the scan cutoff) */
const stampField = () => optional(int(0, 65_535));

const at = buttonNamespace('at');
export const attendanceHome = at.button('home');
export const todayHome = at.button('today');

/** Opens a class's sheet as a new message (the class chooser, /today, reminders, the scan cutoff). */
export const sheetOpen = at.button('o', { classId: id(), day: day() });
/** Cycles one student's mark (present → absent → late → excused), staying on `page`. */
export const sheetToggle = at.button('t', { classId: id(), day: day(), roll: rollField(), page: pageField(), stamp: stampField() });
/** Puts one student back to present in one tap (shown under the sheet for the student just marked otherwise). */
export const sheetBackPresent = at.button('bp', { classId: id(), day: day(), roll: rollField(), page: pageField(), stamp: stampField() });
/** Shows another page of the sheet (also "back" from the confirmation). */
export const sheetPage = at.button('p', { classId: id(), day: day(), page: pageField() });
/** Marks the whole class present. */
export const sheetAllPresent = at.button('ap', { classId: id(), day: day(), stamp: stampField() });
/** Asks to submit: shows the confirmation. */
export const sheetSubmit = at.button('s', { classId: id(), day: day(), stamp: stampField() });
/** "Yes, submit" (also the scan cutoff's confirmation). */
export const sheetConfirm = at.button('y', { classId: id(), day: day(), stamp: stampField() });
/** The reason of an excused student; 'other' asks for a typed note. */
export const sheetReason = at.button('r', {
  classId: id(),
  day: day(),
  roll: rollField(),
  reason: oneOf<ExcuseReason>({ sick: 's', family: 'f', other: 'o' }),
  stamp: stampField(),
});
/** A label that does nothing (page counter, the ends of the pager). */
export const noop = at.button('noop');

/** Every button of the sheet, for the one handler that reads them. */
export const SHEET_BUTTONS = [sheetOpen, sheetToggle, sheetBackPresent, sheetPage, sheetAllPresent, sheetSubmit, sheetConfirm, sheetReason] as const;

interface SheetRef {
  classId: number;
  day: string;
  /** the stamp of the message pressed (absent: not checked) */
  stamp?: number;
}
export type SheetPress =
  | (SheetRef & { op: 'open' | 'all-present' | 'submit' | 'confirm' })
  | (SheetRef & { op: 'toggle' | 'back-present'; roll: number; page: number })
  | (SheetRef & { op: 'page'; page: number })
  | (SheetRef & { op: 'reason'; roll: number; reason: ExcuseReason });

/** What a sheet button asks for, or null when the data is not one we make (forged, out of range). */
export function parseSheetPress(data: string | undefined): SheetPress | null {
  const open = sheetOpen.parse(data);
  if (open) return { op: 'open', ...open };
  const toggle = sheetToggle.parse(data);
  if (toggle) return { op: 'toggle', ...toggle };
  const back = sheetBackPresent.parse(data);
  if (back) return { op: 'back-present', ...back };
  const page = sheetPage.parse(data);
  if (page) return { op: 'page', ...page };
  const allPresent = sheetAllPresent.parse(data);
  if (allPresent) return { op: 'all-present', ...allPresent };
  const submit = sheetSubmit.parse(data);
  if (submit) return { op: 'submit', ...submit };
  const confirm = sheetConfirm.parse(data);
  if (confirm) return { op: 'confirm', ...confirm };
  const reason = sheetReason.parse(data);
  if (reason) return { op: 'reason', ...reason };
  return null;
}

const td = buttonNamespace('td');
export const remindMissingButton = td.button('r', { day: day() });

export type AlertAnswer = 'sick' | 'late' | 'unaware';
const answerField = oneOf<AlertAnswer>({ sick: 's', late: 'l', unaware: 'u' });
const ab = buttonNamespace('ab');
export const alertAnswer = ab.button('a', { alert: id(), answer: answerField });

/**
 * Alerts queued before the answer button had an action carry `ab:<alertId>:<s|l|u>`; families may
 * still tap them. Read with the same fields (so a forged id is refused, never overflows), never made.
 */
export function legacyAlertAnswer(data: string | undefined): { alert: number; answer: AlertAnswer } | null {
  const parts = data?.split(':');
  if (!parts || parts.length !== 3 || parts[0] !== ab.name) return null;
  const alert = id().read(parts[1]!);
  const answer = answerField.read(parts[2]!);
  return alert !== null && answer !== null ? { alert, answer } : null;
}

export const NAMESPACES = [at.name, td.name, ab.name] as const;
export const namespaces = { at, td, ab } as const;
