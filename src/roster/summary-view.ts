/**
 * The texts of a roster file checked in the chat: its problems by row, or the changes it would
 * make by name and class (staff by name and role), within one Telegram message.
 */
import type { Locale } from '../core/db/schema.js';
import { displayName, formatNumber, localDigits } from '../core/i18n/index.js';
import type { RosterChanges, StaffChanges, StaffPerson } from './changes.js';
import type { StaffImportSummary, StudentImportSummary } from './import-common.js';
import { rosterErrorText, type RosterError } from './values.js';

type T = (key: string, args?: Record<string, string | number>) => string;

/** Lines per list before "… and N more": a message holds 4,096 characters. */
const LIST_LINES = 25;
const MAX_TEXT = 4000;

function list<P>(t: T, locale: Locale, items: readonly P[], line: (p: P) => string): string[] {
  const out = items.slice(0, LIST_LINES).map(line);
  if (items.length > LIST_LINES) out.push(t('roster-bot-more', { count: formatNumber(locale, items.length - LIST_LINES) }));
  return out;
}

function fit(lines: string[]): string {
  const text = lines.join('\n');
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}

export function problemsText(t: T, locale: Locale, fileName: string, errors: readonly RosterError[]): string {
  const lines = [t('roster-bot-problems', { file: fileName, count: formatNumber(locale, errors.length) })];
  lines.push(
    ...list(t, locale, errors, (e) => {
      const { key, args } = rosterErrorText(e);
      return `• ${localDigits(locale, t(key, args))}`;
    }),
  );
  return fit(lines);
}

const cls = (locale: Locale, name: string | null) => (name ? localDigits(locale, name) : '—');

export function studentSummaryText(t: T, locale: Locale, fileName: string, s: StudentImportSummary): string {
  const c: RosterChanges = s.changes;
  const fromSchool = new Map(c.transfersIn.map((x) => [x.code, displayName(locale, { nameKm: x.fromSchoolKm, nameEn: x.fromSchoolEn })]));
  const lines = [
    t('roster-bot-students-checked', { file: fileName }),
    t('roster-bot-students-counts', {
      added: formatNumber(locale, c.added.length),
      moved: formatNumber(locale, c.classChanged.length),
      leaving: formatNumber(locale, c.leaving.length),
      // listed and neither new nor moving (a corrected name or phone counts here too)
      unchanged: formatNumber(locale, s.students.created + s.students.updated + s.students.unchanged - c.added.length - c.classChanged.length),
    }),
  ];
  if (c.added.length) {
    lines.push('', t('roster-bot-added'));
    lines.push(
      ...list(t, locale, c.added, (p) => {
        const from = fromSchool.get(p.code);
        const line = `➕ ${displayName(locale, p)} — ${cls(locale, p.className)}`;
        return from ? `${line} ${t('roster-bot-transfer-from', { school: from })}` : line;
      }),
    );
  }
  if (c.classChanged.length) {
    lines.push('', t('roster-bot-moved'));
    lines.push(...list(t, locale, c.classChanged, (p) => `🔁 ${displayName(locale, p)}: ${cls(locale, p.fromClass)} → ${cls(locale, p.className)}`));
  }
  if (c.leaving.length) {
    lines.push('', t('roster-bot-leaving'));
    lines.push(...list(t, locale, c.leaving, (p) => `➖ ${displayName(locale, p)} — ${cls(locale, p.className)}`));
  }
  lines.push('', t(c.added.length + c.classChanged.length + c.leaving.length ? 'roster-bot-confirm-ask' : 'roster-bot-nothing-moves'));
  return fit(lines);
}

function rolesText(t: T, locale: Locale, p: Pick<StaffPerson, 'roles' | 'homeroom'>): string {
  const roles = p.roles.map((r) => t(`core-role-${r}`)).join(', ') || '—';
  return p.homeroom ? `${roles}, ${t('roster-bot-homeroom', { class: cls(locale, p.homeroom) })}` : roles;
}

export function staffSummaryText(t: T, locale: Locale, fileName: string, s: StaffImportSummary): string {
  const c: StaffChanges = s.changes;
  const lines = [
    t('roster-bot-staff-checked', { file: fileName }),
    t('roster-bot-staff-counts', {
      added: formatNumber(locale, c.added.length),
      changed: formatNumber(locale, c.changed.length),
      leaving: formatNumber(locale, c.leaving.length),
      unchanged: formatNumber(locale, s.staff.created + s.staff.updated + s.staff.unchanged - c.added.length - c.changed.length),
    }),
  ];
  if (c.added.length) {
    lines.push('', t('roster-bot-added'));
    lines.push(...list(t, locale, c.added, (p) => `➕ ${displayName(locale, p)} — ${rolesText(t, locale, p)}`));
  }
  if (c.changed.length) {
    lines.push('', t('roster-bot-staff-changed'));
    lines.push(...list(t, locale, c.changed, (p) => `🔁 ${displayName(locale, p)}: ${rolesText(t, locale, { roles: p.fromRoles, homeroom: p.fromHomeroom })} → ${rolesText(t, locale, p)}`));
  }
  if (c.leaving.length) {
    lines.push('', t('roster-bot-leaving'));
    lines.push(...list(t, locale, c.leaving, (p) => `➖ ${displayName(locale, p)} — ${rolesText(t, locale, p)}`));
  }
  lines.push('', t(c.added.length + c.changed.length + c.leaving.length ? 'roster-bot-staff-confirm-ask' : 'roster-bot-nothing-moves'));
  return fit(lines);
}
