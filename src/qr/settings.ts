/**
 * A school's scanning settings: on or off, when an arrival counts as late and when the cutoff
 * runs (per shift), whether the cutoff alerts families at once or waits for the teacher, and the
 * cooldown within which a second scan is a repeat. Set by the office (/scanning) or the CLI.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db, type Tx } from '../core/db/client.js';
import { audit } from '../core/auth/audit.js';
import type { SchoolShifts, Shift } from '../core/db/schema.js';
import { scanTimes, type ScanTimes } from './cutoff.js';
import type { AlertMode } from './schema.js';

export interface ScanSettingsChange {
  enabled?: boolean;
  alertMode?: AlertMode;
  lateAfter?: Partial<Record<Shift, string>>;
  cutoffAt?: Partial<Record<Shift, string>>;
  cooldownSeconds?: number;
}

export interface ScanSettingsView {
  enabled: boolean;
  alertMode: AlertMode;
  cooldownSeconds: number;
  shifts: Record<Shift, ScanTimes>;
}

export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class ScanSettingsError extends Error {
  constructor(
    readonly code: 'no-school' | 'bad-time' | 'bad-cooldown' | 'cutoff-before-late',
    message: string,
    readonly vars: Record<string, string> = {},
  ) {
    super(message);
  }
}

export async function getScanSettings(db: Db | Tx, schoolId: number): Promise<ScanSettingsView> {
  const [row] = rowsOf<{ shifts: SchoolShifts; enabled: boolean | null; late_after: Partial<Record<Shift, string>> | null; cutoff_at: Partial<Record<Shift, string>> | null; alert_mode: AlertMode | null; cooldown_seconds: number | null }>(
    await db.execute(sql`
      select s.shifts, ss.enabled, ss.late_after, ss.cutoff_at, ss.alert_mode, ss.cooldown_seconds
        from schools s left join scan_settings ss on ss.school_id = s.id where s.id = ${schoolId}`),
  );
  if (!row) throw new ScanSettingsError('no-school', 'no such school');
  const settings = row.enabled === null ? undefined : { enabled: row.enabled, lateAfter: row.late_after ?? {}, cutoffAt: row.cutoff_at ?? {}, alertMode: row.alert_mode ?? 'confirm' };
  return {
    enabled: row.enabled ?? false,
    alertMode: row.alert_mode ?? 'confirm',
    cooldownSeconds: row.cooldown_seconds ?? 300,
    shifts: { morning: scanTimes(row.shifts, settings, 'morning'), afternoon: scanTimes(row.shifts, settings, 'afternoon') },
  };
}

export async function setScanSettings(db: Db, schoolId: number, change: ScanSettingsChange, actor: string): Promise<ScanSettingsView> {
  for (const [shift, time] of [...Object.entries(change.lateAfter ?? {}), ...Object.entries(change.cutoffAt ?? {})]) {
    if (!HHMM.test(time ?? '')) throw new ScanSettingsError('bad-time', `${shift}: ${time} is not a time HH:MM`, { time: String(time) });
  }
  if (change.cooldownSeconds !== undefined && (!Number.isInteger(change.cooldownSeconds) || change.cooldownSeconds < 10 || change.cooldownSeconds > 4 * 3600)) {
    throw new ScanSettingsError('bad-cooldown', 'cooldown must be 10 to 14400 seconds');
  }
  return db.transaction(async (tx) => {
    await tx.execute(sql`
      insert into scan_settings (school_id, enabled, alert_mode, late_after, cutoff_at, cooldown_seconds)
      values (${schoolId}, ${change.enabled ?? true}, ${change.alertMode ?? 'confirm'}, ${JSON.stringify(change.lateAfter ?? {})}::jsonb,
              ${JSON.stringify(change.cutoffAt ?? {})}::jsonb, ${change.cooldownSeconds ?? 300})
      on conflict (school_id) do update set
        enabled = coalesce(${change.enabled ?? null}::boolean, scan_settings.enabled),
        alert_mode = coalesce(${change.alertMode ?? null}::text, scan_settings.alert_mode),
        late_after = scan_settings.late_after || ${JSON.stringify(change.lateAfter ?? {})}::jsonb,
        cutoff_at = scan_settings.cutoff_at || ${JSON.stringify(change.cutoffAt ?? {})}::jsonb,
        cooldown_seconds = coalesce(${change.cooldownSeconds ?? null}::int, scan_settings.cooldown_seconds)`);
    const view = await getScanSettings(tx, schoolId);
    for (const shift of ['morning', 'afternoon'] as const) {
      if (view.shifts[shift].cutoffAt <= view.shifts[shift].lateAfter) {
        // Rolled back: a cutoff before the late threshold would mark on-time children absent.
        throw new ScanSettingsError('cutoff-before-late', `${shift}: the cutoff (${view.shifts[shift].cutoffAt}) must be after the late time (${view.shifts[shift].lateAfter})`, {
          cutoff: view.shifts[shift].cutoffAt,
          late: view.shifts[shift].lateAfter,
        });
      }
    }
    await audit(tx, { actor, schoolId, action: 'scan.settings', details: { ...change } });
    return view;
  });
}
