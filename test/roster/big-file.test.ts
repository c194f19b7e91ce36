/**
 * Issue 11, case 13: a million-row XLSX (a few MB zipped) is refused at once with a clear message
 * (the zip's rows are counted before anything is parsed), and a file just over the limit is
 * refused by the streaming reader, which stops at the limit. Time and memory are measured by the
 * `roster-big` benchmark, not here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { bigRosterXlsx } from '../../scripts/bench/big-xlsx.js';
import { parseStudentRoster } from '../../src/roster/parse.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadDemoSchool } from '../support/fixtures.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
  await loadDemoSchool(app.database.db, app.notifier);
});
afterAll(async () => {
  await app?.close();
});

describe('a roster far over the row limit', () => {
  it('a million rows sent to the bot: refused with the limit named, nothing kept to confirm', async () => {
    const operator = app.user(9401, 'Operator');
    await operator.shareContact('016 373 035');
    operator.inbox();
    const before = await app.database.rows(sql`select count(*)::int as n from students`);
    await operator.sendDocument(await bigRosterXlsx(1_000_000), 'students.xlsx');
    const [reply] = operator.inbox();
    expect(reply!.text).toContain(app.notifier.t('km', 'roster-err-rows-over-limit', { row: 0, column: '', value: '50000' }).replace(/\d/g, (d) => '០១២៣៤៥៦៧៨៩'[Number(d)]!));
    expect(reply!.replyMarkup).toBeUndefined();
    expect(await app.database.rows(sql`select count(*)::int as n from students`)).toEqual(before);
    expect(await app.database.rows(sql`select count(*)::int as n from roster_pending_imports`)).toEqual([{ n: 0 }]);
  });

  it('just over the limit (60,000 full rows): the streaming reader stops at the limit', async () => {
    const result = await parseStudentRoster({ name: 'students.xlsx', bytes: await bigRosterXlsx(60_000, { full: true }) });
    expect(result).toEqual({ ok: false, errors: [{ row: 0, code: 'rows-over-limit', value: '50000' }] });
  });
});
