/**
 * The admin CLI for questions: recording subject teachers of a class and the school's rules, with
 * clear refusals; and every text key the questions code builds at run time exists in both languages.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { FluentBundle, FluentResource } from '@fluent/bundle';
import { runCliCaptured } from '../support/cli.js';
import { LOCALES_DIR } from '../../src/core/i18n/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let database: TestDatabase;
let env: Record<string, string>;

async function cli(...args: string[]) {
  return runCliCaptured(args, env);
}

beforeAll(async () => {
  database = await createTestDatabase();
  const [row] = await database.rows<{ db: string }>(sql`select current_database() as db`);
  const url = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${row!.db}`;
  env = { DATABASE_URL: url.toString(), LOG_LEVEL: 'silent', REDIS_URL: 'redis://127.0.0.1:1' };
  expect((await cli('demo')).code).toBe(0);
});
afterAll(() => database.drop());

describe('teach', () => {
  it('records, lists and removes a subject teacher of a class', async () => {
    const add = await cli('teach', '--school', 'DEMO-001', '--class', '7a', '--staff', 'demo-001-t006', '--subject', 'English');
    expect(add.code).toBe(0);
    expect(add.out.split('\n')).toEqual(['Class 7A:', '  DEMO-001-T005\thomeroom\tកែវ មករា\t(not on Telegram)', '  DEMO-001-T006\tEnglish\tកែវ ពិសី\t(not on Telegram)']);
    const again = await cli('teach', '--school', 'DEMO-001', '--class', '7A', '--staff', 'DEMO-001-T006', '--subject', 'English literature');
    expect(again.out).toContain('DEMO-001-T006\tEnglish literature');
    const [rows] = await database.rows<{ n: number }>(sql`select count(*)::int as n from class_teachers`);
    expect(Number(rows!.n)).toBe(1);
    const removed = await cli('teach', '--school', 'DEMO-001', '--class', '7A', '--staff', 'DEMO-001-T006', '--remove');
    expect(removed.out.split('\n')).toEqual(['Class 7A:', '  DEMO-001-T005\thomeroom\tកែវ មករា\t(not on Telegram)']);
  });

  it('refuses unknown classes, staff and schools', async () => {
    expect(await cli('teach', '--school', 'DEMO-001', '--class', '9Z', '--staff', 'DEMO-001-T006')).toMatchObject({ code: 1, err: 'no class 9Z at DEMO-001 this year' });
    expect(await cli('teach', '--school', 'DEMO-001', '--class', '7A', '--staff', 'NOBODY')).toMatchObject({ code: 1, err: 'no active staff NOBODY at DEMO-001' });
    expect((await cli('teach', '--school', 'NOPE', '--class', '7A')).code).toBe(2);
    expect((await cli('teach', '--school', 'DEMO-001')).err).toContain('--class is required');
  });
});

describe('questions', () => {
  it('shows and sets the answer time and the per-parent limits', async () => {
    expect((await cli('questions', '--school', 'DEMO-001')).out).toBe('DEMO-001: unanswered questions go to the principal after 24 h; each parent may send 5 per hour, 20 per day');
    expect((await cli('questions', '--school', 'DEMO-001', '--within', '48', '--per-hour', '3')).out).toBe(
      'DEMO-001: unanswered questions go to the principal after 48 h; each parent may send 3 per hour, 20 per day',
    );
    const bad = await cli('questions', '--school', 'DEMO-001', '--within', '0');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--within takes a whole number 1-168');
  });
});

describe('question texts', () => {
  it('exist in both languages for every key built at run time', () => {
    const bundles = ['km', 'en'].map((locale) => {
      const bundle = new FluentBundle(locale, { useIsolating: false });
      bundle.addResource(new FluentResource(readFileSync(path.join(LOCALES_DIR, `${locale}.ftl`), 'utf8')));
      return bundle;
    });
    const keys = [
      ...['empty', 'too-long', 'caption-too-long', 'too-big', 'voice-too-long', 'unsupported', 'no-photo'].map((p) => `questions-bad-${p}`),
      ...['not-your-child', 'not-their-teacher', 'not-your-thread', 'not-addressed', 'not-found', 'not-allowed'].map((r) => `questions-denied-${r}`),
      ...['unknown-class', 'unknown-staff'].map((r) => `questions-teaches-${r}`),
      'questions-rate-hour',
      'questions-rate-day',
      'questions-history-voice',
      'questions-history-photo',
      ...['parent', 'teacher', 'principal', 'operator'].map((r) => `questions-help-${r}`),
      'questions-menu-ask',
      'questions-menu-questions',
    ];
    const missing = keys.filter((k) => bundles.some((b) => !b.hasMessage(k)));
    expect(missing).toEqual([]);
  });
});
