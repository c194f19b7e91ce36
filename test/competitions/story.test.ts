/**
 * Competition results as a school would enter them (issue 16's "Done when", competitions part):
 * a teacher enters a province mathematics competition; a line with another school's student is
 * refused (nothing saved, audited); then the medal winners' families are told, the fourth place's
 * is not; the yearly table counts the winners by sex for the school and the province.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../../src/core/db/schema.js';
import { addOfficial } from '../../src/schools/service.js';
import { parseResultLines } from '../../src/competitions/service.js';
import { competitionEvents, competitionResults } from '../../src/competitions/schema.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

const now = new Date('2026-11-23T03:00:00Z');
let app: TestApp;
let deliver: () => Promise<void>;
let stopDelivery: () => Promise<void>;
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);
let teacher: TestUser;
let principal: TestUser;
let uncle: TestUser;
let grandmother: TestUser;
let mother: TestUser;
let director: TestUser;
const last = (u: TestUser) => u.inbox().at(-1)!;

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  await loadDemoSchool(app.database.db, undefined, 'DEMO-002');
  const delivery = startTestDelivery(app);
  deliver = delivery.deliver;
  stopDelivery = delivery.stop;
  teacher = app.user(18101, 'Rathana');
  await teacher.shareContact('096 489 636');
  principal = app.user(18102, 'Sophea');
  await principal.shareContact('093 388 921');
  uncle = app.user(18103, 'Bora');
  await uncle.shareContact('086 915 326');
  grandmother = app.user(18104, 'Pisey');
  await grandmother.shareContact('081 600 791');
  mother = app.user(18105, 'Sochata');
  await mother.shareContact('085 299 411');
  await addOfficial(app.database.db, { phoneE164: '+85512888777', name: 'Director', provinceCode: 'PP' }, 'cli');
  director = app.user(18106, 'Director');
  await director.shareContact('012 888 777');
  for (const u of [teacher, principal, uncle, grandmother, mother, director]) u.inbox();
});
afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

describe('competition results', () => {
  it('reads result lines and names the bad ones', () => {
    expect(parseResultLines('S1 1 gold 95\nS2 2 ប្រាក់ ៨៨ team Robots')).toEqual({
      ok: true,
      lines: [
        { code: 'S1', rank: 1, medal: 'gold', score: 95, team: null },
        { code: 'S2', rank: 2, medal: 'silver', score: 88, team: 'Robots' },
      ],
    });
    expect(parseResultLines('S1 1 golden\nS2 2 silver\nS2 3 bronze')).toEqual({ ok: false, bad: [1, 3] });
    // a team: one line, one result for all its members
    expect(parseResultLines('team Math Stars ១ មាស ៩៥: S3 S4, S5\nS6 4 -')).toEqual({
      ok: true,
      lines: [
        { code: 'S3', rank: 1, medal: 'gold', score: 95, team: 'Math Stars' },
        { code: 'S4', rank: 1, medal: 'gold', score: 95, team: 'Math Stars' },
        { code: 'S5', rank: 1, medal: 'gold', score: 95, team: 'Math Stars' },
        { code: 'S6', rank: 4, medal: 'none', score: null, team: null },
      ],
    });
    // a team of one, a member given another result than the team's, a student in two lines
    expect(parseResultLines('team Solo 1 gold: S1\nS2 2 silver team Robots\nS3 3 bronze team Robots\nteam Owls 2 silver: S4 S2')).toEqual({ ok: false, bad: [1, 3, 4] });
  });

  it("a teacher enters a province maths competition; another school's student is refused, then the winners' families are told", async () => {
    await mother.send('/competition');
    expect(last(mother).text).toBe(t('competitions-denied'));
    await teacher.send('/competition');
    await teacher.send('Provincial mathematics olympiad');
    await teacher.send('Mathematics');
    await teacher.press(t('competitions-level-province'));
    await teacher.send('20/11');
    expect(last(teacher).text).toBe(t('competitions-ask-results'));
    await teacher.send('DEMO-001-S00001 1 gold 98\nDEMO-002-S00005 2 silver 90');
    expect(last(teacher).text).toBe(t('competitions-refused-unknown-students', { codes: 'DEMO-002-S00005' }));
    expect(await app.database.db.select().from(competitionEvents)).toHaveLength(0);
    const denied = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'competitions.record'), eq(auditLog.outcome, 'denied')));
    expect(denied.map((d) => (d.details as { reason: string }).reason).sort()).toEqual(['forbidden', 'unknown-students']);
    await teacher.send('DEMO-001-S00001 1 gold 98\nDEMO-001-S00005 2 silver 90\nDEMO-001-S00004 4 - 71');
    expect(last(teacher).text).toBe(t('competitions-saved', { results: '៣', told: '២' }));
    expect(await app.database.db.select().from(competitionResults)).toHaveLength(3);
    await deliver();
    const told = last(uncle).text;
    expect(told).toContain('ជា សេរីវុធ');
    expect(told).toContain(t('competitions-medal-gold'));
    expect(last(grandmother).text).toContain(t('competitions-medal-silver'));
    expect(mother.inbox()).toHaveLength(0);
  });

  it("a student's results appear with their record (/student)", async () => {
    await principal.send('/student DEMO-001-S00001');
    const record = last(principal).text;
    expect(record).toContain(t('competitions-student-title'));
    expect(record).toContain(`Provincial mathematics olympiad (Mathematics, ${t('competitions-level-province')}`);
    expect(record).toContain(t('competitions-student-line', { rank: '១', medal: t('competitions-medal-gold'), score: '៩៨' }));
  });

  it("a province maths team wins gold: one result for the team, each member's family told", async () => {
    await teacher.send('/competition');
    await teacher.send('Provincial mathematics team contest');
    await teacher.send('Mathematics');
    await teacher.press(t('competitions-level-province'));
    await teacher.send('21/11');
    await teacher.send('team Math Stars 1 gold 95: DEMO-001-S00006 DEMO-001-S00005\nDEMO-001-S00007 1 silver 90 team Math Stars');
    expect(last(teacher).text).toBe(t('competitions-bad-lines', { lines: '២' }));
    await teacher.send('team Math Stars 1 gold 95: DEMO-001-S00006 DEMO-001-S00005 DEMO-001-S00007\nDEMO-001-S00008 5 -');
    expect(last(teacher).text).toBe(t('competitions-saved', { results: '៤', told: '២' }));
    const rows = await app.database.db.select().from(competitionResults).where(eq(competitionResults.team, 'Math Stars'));
    expect(rows.map((r) => [r.rank, r.medal, r.score])).toEqual([
      [1, 'gold', 95],
      [1, 'gold', 95],
      [1, 'gold', 95],
    ]);
    await deliver();
    const team = { team: 'Math Stars', event: 'Provincial mathematics team contest', subject: 'Mathematics', level: t('competitions-level-province'), day: '២១ វិច្ឆិកា ២០២៦', rank: '១', medal: t('competitions-medal-gold'), score: '៩៥' };
    // the mother of S00006 (Chhim Samnang) and the grandmother of S00005 (Nob Thida)
    expect(last(mother).text).toBe(t('competitions-family-team', { name: 'ឈឹម សំណាង', ...team }));
    expect(last(grandmother).text).toBe(t('competitions-family-team', { name: 'ណុប ធីតា', ...team }));
    await principal.send('/student DEMO-001-S00006');
    expect(last(principal).text).toContain(t('competitions-student-team', { team: 'Math Stars' }));
  });

  it('the yearly table counts the winners by level and sex (team members each by their sex, a team medal once), for the school and the province', async () => {
    // individual: S00001 (boy) gold, S00005 (girl) silver, S00004 4th; team: S00006 (boy), S00005 and S00007 (girls) gold; S00008 5th
    const row = t('competitions-table-row', { participants: '៧', placed: '៥', girls: '៣', boys: '២', gold: '២', silver: '១', bronze: '០' });
    await principal.send('/competitions');
    expect(last(principal).text).toContain(`${t('competitions-level-province')}:\n${row}\n${t('competitions-table-teams', { teams: '១' })}`);
    await director.send('/competitions');
    const table = last(director).text;
    expect(table).toContain(t('competitions-table-title', { place: 'ភ្នំពេញ', year: '២០២៦' }));
    expect(table).toContain(row);
  });
});
