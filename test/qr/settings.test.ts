/**
 * The office sets how gate scanning works for its school, in the bot and with the CLI; no one else
 * can, and settings that would mark on-time children absent are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { runCliCaptured } from '../support/cli.js';
import { localDigits } from '../../src/core/i18n/index.js';
import { getScanSettings } from '../../src/qr/settings.js';
import { SCANS_QUEUE } from '../../src/qr/scan-jobs.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

let app: TestApp;
let operator: TestUser;
let teacher: TestUser;
let schoolId: number;
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);
/** a time as a Khmer reader sees it */
const km = (hhmm: string) => localDigits('km', hhmm);

beforeAll(async () => {
  app = await createTestApp({ rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  schoolId = Number((await app.database.rows<{ id: number }>(sql`select id from schools where code = 'DEMO-001'`))[0]!.id);
  operator = app.user(5001, 'Op');
  await operator.shareContact('016 373 035');
  teacher = app.user(5002, 'T');
  await teacher.shareContact('016 025 313');
  operator.inbox();
  teacher.inbox();
});
afterAll(() => app?.close());

describe('/scanning', () => {
  it('shows the defaults (off), turns scanning on and the mode to immediate with buttons, and syncs the schedules', async () => {
    await operator.send('/scanning');
    const [shown] = operator.inbox();
    expect(shown!.text).toContain(t('qr-scanning-off'));
    expect(shown!.text).toContain(t('qr-scanning-shift', { shift: t('core-shift-morning'), late: km('07:10'), cutoff: km('08:00') }));
    await operator.press(t('qr-scanning-turn-on'));
    expect(operator.inbox().at(-1)!.text).toContain(t('qr-scanning-on'));
    await operator.press(t('qr-scanning-use-immediate'));
    expect(operator.inbox().at(-1)!.text).toContain(t('qr-scanning-mode-immediate'));
    expect(await getScanSettings(app.database.db, schoolId)).toMatchObject({ enabled: true, alertMode: 'immediate' });
    expect(app.jobs.filter((j) => j.queue === SCANS_QUEUE && (j.data as { kind: string }).kind === 'sync')).toHaveLength(2);
  });

  it('takes typed times, and refuses a cutoff before the late time without changing anything', async () => {
    await operator.send('/scanning late morning 07:20');
    expect(operator.inbox()[0]!.text).toContain(t('qr-scanning-shift', { shift: t('core-shift-morning'), late: km('07:20'), cutoff: km('08:00') }));
    await operator.send('/scanning cutoff morning 07:15');
    expect(operator.inbox()[0]!.text).toBe(t('qr-scanning-error-cutoff-before-late', { cutoff: km('07:15'), late: km('07:20') }));
    expect((await getScanSettings(app.database.db, schoolId)).shifts.morning).toMatchObject({ lateAfter: '07:20', cutoffAt: '08:00' });
    await operator.send('/scanning late sometime');
    expect(operator.inbox()[0]!.text).toBe(t('qr-scanning-usage'));
  });

  it('is refused to a teacher, typed or through a forged button, and the denial is audited', async () => {
    await teacher.send('/scanning');
    expect(teacher.inbox()[0]!.text).toBe(t('qr-scanning-office-only'));
    await teacher.pressData('sc:off');
    expect(teacher.inbox()[0]!.text).toBe(t('qr-scanning-office-only'));
    expect((await getScanSettings(app.database.db, schoolId)).enabled).toBe(true);
    const denied = await app.database.rows(sql`select 1 from audit_log where action = 'scan.settings' and outcome = 'denied'`);
    expect(denied).toHaveLength(2);
  });
});

describe('npm run cli -- scanning', () => {
  it('sets and prints the settings, and refuses bad input with exit code 2', async () => {
    const [row] = await app.database.rows<{ db: string }>(sql`select current_database() as db`);
    const url = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    url.pathname = `/${row!.db}`;
    const env = { DATABASE_URL: url.toString(), LOG_LEVEL: 'silent', QUEUE_PREFIX: `test-cli-scan-${process.pid}` };
    const run = async (...args: string[]) => {
      return runCliCaptured(args, env);
    };
    const set = await run('scanning', '--school', 'DEMO-001', '--mode', 'confirm', '--cutoff-afternoon', '14:15', '--cooldown', '3');
    expect(set.code).toBe(0);
    expect(set.out).toContain('teacher confirms first');
    expect(set.out).toContain('afternoon late after 13:10, cutoff 14:15');
    expect(set.out).toContain('ignored for 3 min');
    expect((await run('scanning', '--school', 'DEMO-001', '--late-morning', '7h')).code).toBe(2);
    expect((await run('scanning', '--school', 'DEMO-001', '--mode', 'sometimes')).code).toBe(2);
    expect((await run('scanning', '--school', 'DEMO-001', '--cutoff-morning', '07:00')).code).toBe(2);
    expect(await getScanSettings(app.database.db, schoolId)).toMatchObject({ alertMode: 'confirm', cooldownSeconds: 180 });
  });
});
