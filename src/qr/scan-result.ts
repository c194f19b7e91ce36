/**
 * What follows a recorded scan, the same for the chat (scan-bot.ts) and the gate-scanner Mini App
 * (miniapp.ts): the text the scanner reads, in their language, and the work after an arrival.
 */
import type { AppDeps } from '../core/telegram/context.js';
import { actorOf } from '../core/auth/audit.js';
import { displayName, formatNumber, formatTime, type Translate } from '../core/i18n/index.js';
import type { Locale } from '../core/db/schema.js';
import { markScannedArrival } from '../attendance/service.js';
import type { ScanResult } from './scan.js';

/** The text shown to the scanner for a result, in their language (numbers and times too). */
export function scanResultText(t: Translate, locale: Locale, result: ScanResult): string {
  if (!result.ok) return t(`qr-scan-denied-${result.reason}`);
  const s = result.student;
  const name = displayName(locale, s);
  const time = (hhmm: string) => formatTime(locale, hhmm);
  if (result.kind === 'arrival') {
    const line = t(result.late ? 'qr-scan-arrived-late' : 'qr-scan-arrived', { name, class: s.className, time: time(result.time) });
    return result.noticesQueued > 0 ? `${line}\n${t('qr-scan-families-told', { count: formatNumber(locale, result.noticesQueued) })}` : line;
  }
  if (result.kind === 'departure') return t('qr-scan-departed', { name, class: s.className, time: time(result.time), arrived: time(result.arrivedTime) });
  return result.departedTime
    ? t('qr-scan-repeat-left', { name, arrived: time(result.arrivedTime), left: time(result.departedTime) })
    : t('qr-scan-repeat', { name, arrived: time(result.arrivedTime) });
}

/** After an accepted arrival: a child already submitted absent becomes late (or present, before the late time), and families get one correction. */
export async function afterScan(deps: AppDeps, result: ScanResult, telegramUserId: number): Promise<void> {
  if (result.ok && result.kind === 'arrival' && result.markedAbsent) {
    const s = result.student;
    await markScannedArrival(
      deps.database.db,
      { studentId: s.studentId, classId: s.classId, className: s.className, schoolId: s.schoolId, day: result.day, shift: result.shift, time: result.time, late: result.late, who: actorOf(telegramUserId) },
    );
  }
  if (result.ok && result.kind === 'arrival') deps.kickOutbox();
}
