/** A school's teaching settings (weekly cap, evening reminder); defaults when none are stored. */
import { eq } from 'drizzle-orm';
import type { Executor } from '../core/db/client.js';
import { audit } from '../core/auth/audit.js';
import { teachingSettings } from './schema.js';

export interface TeachingSettings {
  weeklyCap: number;
  eveningAt: string;
  graceMinutes: number;
}

export const DEFAULT_SETTINGS: TeachingSettings = { weeklyCap: 36, eveningAt: '19:00', graceMinutes: 60 };

export async function getTeachingSettings(ex: Executor, schoolId: number): Promise<TeachingSettings> {
  const [row] = await ex.select().from(teachingSettings).where(eq(teachingSettings.schoolId, schoolId));
  return row ? { weeklyCap: row.weeklyCap, eveningAt: row.eveningAt, graceMinutes: row.graceMinutes } : { ...DEFAULT_SETTINGS };
}

export class SettingsError extends Error {}

export async function setTeachingSettings(ex: Executor, schoolId: number, change: Partial<TeachingSettings>, actor: string): Promise<TeachingSettings> {
  if (change.weeklyCap !== undefined && !(Number.isInteger(change.weeklyCap) && change.weeklyCap >= 1 && change.weeklyCap <= 80)) throw new SettingsError('the weekly cap is a number of lessons, 1-80');
  if (change.eveningAt !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(change.eveningAt)) throw new SettingsError('the evening time is HH:MM');
  if (change.graceMinutes !== undefined && !(Number.isInteger(change.graceMinutes) && change.graceMinutes >= 0 && change.graceMinutes <= 300)) throw new SettingsError('the grace is 0-300 minutes');
  const next = { ...(await getTeachingSettings(ex, schoolId)), ...change };
  await ex.insert(teachingSettings).values({ schoolId, ...next }).onConflictDoUpdate({ target: teachingSettings.schoolId, set: next });
  await audit(ex, { actor, schoolId, action: 'teaching.settings', details: { ...next } });
  return next;
}
