/**
 * Teaching's buttons: the timetable (`tt`), the lesson book (`lb`), leave (`lv`), cover (`cv`)
 * and teaching hours (`hr`). Services build the buttons of the messages they queue; the bot
 * parses every press through these declarations (a forged or stale press parses to null or is
 * refused by the service's checks).
 */
import { bigId, buttonNamespace, day, id, oneOf, optional } from '../core/buttons.js';
import { LESSON_REASONS, type LessonReason } from './schema.js';

const tt = buttonNamespace('tt');
export const timetableHome = tt.button('home');
export const timetableImport = tt.button('imp');
export const timetableWorkbookButton = tt.button('xls');
export const timetableClass = tt.button('c', { cls: id() });
export const timetableMine = tt.button('me');
export const timetableChild = tt.button('k', { student: bigId() });
export const timetableCancel = tt.button('x');

/** Which lessons of a day a lesson book shows. */
export const BOOK_SHIFTS = { morning: 'm', afternoon: 'a', all: 'x' } as const;
export type BookShift = keyof typeof BOOK_SHIFTS;

const lb = buttonNamespace('lb');
/** confirm every open lesson of a book (owner's lessons of a day and shift) */
export const bookConfirm = lb.button('ok', { owner: id(), day: day(), shift: oneOf(BOOK_SHIFTS) });
export const bookShow = lb.button('bk', { owner: id(), day: day(), shift: oneOf(BOOK_SHIFTS) });
export const lessonOpen = lb.button('l', { lesson: bigId(), owner: id() });
export const lessonTaught = lb.button('t', { lesson: bigId(), owner: id() });
export const lessonNotTaught = lb.button('n', { lesson: bigId(), owner: id() });
export const REASON_WIRE: Record<LessonReason, string> = { 'teacher-absent': 'a', 'school-event': 'e', 'no-students': 's', other: 'o' };
export const lessonReason = lb.button('r', { lesson: bigId(), owner: id(), reason: oneOf(REASON_WIRE) });
export const lessonOthers = lb.button('o', { lesson: bigId(), owner: id() });
export const lessonBy = lb.button('b', { lesson: bigId(), owner: id(), staff: id() });
export const lessonTopic = lb.button('tp', { lesson: bigId(), owner: id() });
export const weekClose = lb.button('wk', { week: day(), cls: optional(id()) });
export const REASONS: readonly LessonReason[] = LESSON_REASONS;

const lv = buttonNamespace('lv');
export const leaveHome = lv.button('home');
export const leaveToday = lv.button('d0');
export const leaveTomorrow = lv.button('d1');
export const LEAVE_REASON_WIRE = { sick: 's', personal: 'p', training: 't', maternity: 'm' } as const;
export const leaveReasonButton = lv.button('why', { reason: oneOf(LEAVE_REASON_WIRE) });
export const leaveSkipPhoto = lv.button('nophoto');
export const leaveSend = lv.button('send');
export const leaveCancel = lv.button('x');
export const leaveApprove = lv.button('y', { leave: id() });
export const leaveDecline = lv.button('n', { leave: id() });

const cv = buttonNamespace('cv');
/** the lessons of a leave that need cover */
export const coverList = cv.button('ls', { leave: id() });
/** the free teachers for one lesson */
export const coverNeed = cv.button('nd', { leave: id(), day: day(), cls: id(), period: id() });
export const coverAssign = cv.button('as', { leave: id(), day: day(), cls: id(), period: id(), staff: id() });

const hr = buttonNamespace('hr');
export const hoursHome = hr.button('home');

export const NAMESPACES = [tt.name, lb.name, lv.name, cv.name, hr.name] as const;
