/**
 * `npm run cli -- cards`: the files an operator prints, signed so the bot accepts them, and clear
 * refusals when the signing key or the bot's name is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import { runCliCaptured } from '../support/cli.js';
import { auditLog, classes, students } from '../../src/core/db/schema.js';
import { resolveCardToken } from '../../src/qr/cards.js';
import { decodeQrCodes } from '../../src/qr/decode.js';
import { cardSecret } from '../../src/qr/secret.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { loadDemoSchool } from '../support/fixtures.js';

let database: TestDatabase;
let base: Record<string, string>;
const CARD_SECRET = 'cli-test-card-secret-0123456789-abcdef';

async function cli(env: Record<string, string>, ...args: string[]) {
  return runCliCaptured(args, env);
}

async function studentCodes(className: string): Promise<string[]> {
  const rows = await database.db
    .select({ code: students.studentCode })
    .from(students)
    .innerJoin(classes, eq(classes.id, students.classId))
    .where(and(eq(classes.name, className), eq(students.active, true)));
  return rows.map((r) => r.code).sort();
}

beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemoSchool(database.db);
  const [row] = await database.rows<{ db: string }>(sql`select current_database() as db`);
  const url = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${row!.db}`;
  base = { DATABASE_URL: url.toString(), BOT_USERNAME: 'sis_demo_bot', LOG_LEVEL: 'silent' };
});
afterAll(() => database.drop());

describe('cli cards', () => {
  it('writes a PNG per student (named by code) and the class PDF; the cards verify with CARD_SECRET', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sis-cards-'));
    const r = await cli({ ...base, CARD_SECRET }, 'cards', '--school', 'DEMO-001', '--class', '1a', '--out', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const codes = await studentCodes('1A');
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['1A.pdf', ...codes.map((c) => `${c}.png`)].sort());
    const pdf = await PDFDocument.load(readFileSync(path.join(dir, '1A.pdf')));
    expect(pdf.getPageCount()).toBe(Math.ceil(codes.length / 10));
    const [link] = await decodeQrCodes(readFileSync(path.join(dir, `${codes[0]}.png`)));
    expect(link).toMatch(/^https:\/\/t\.me\/sis_demo_bot\?start=c/);
    const token = new URL(link!).searchParams.get('start')!;
    const [student] = await database.db.select({ id: students.id }).from(students).where(eq(students.studentCode, codes[0]!));
    expect(await resolveCardToken(database.db, token, cardSecret({ CARD_SECRET, BOT_TOKEN: '1:unused' }))).toMatchObject({ ok: true, studentId: student!.id });
    // a bot that derives its key from its token (no CARD_SECRET) would refuse these cards
    expect(await resolveCardToken(database.db, token, cardSecret({ BOT_TOKEN: '123456:ABCDEFGHIJKLMNOP' }))).toEqual({ ok: false, reason: 'forged' });
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'card.export'));
    expect(entry).toMatchObject({ actor: 'cli', outcome: 'ok', details: { students: codes.length, classes: 1 } });
  });

  it('without CARD_SECRET uses the key derived from BOT_TOKEN, as the bot does', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sis-cards-'));
    const BOT_TOKEN = '123456:ABCDEFGHIJKLMNOP';
    const r = await cli({ ...base, BOT_TOKEN }, 'cards', '--school', 'DEMO-001', '--class', '4B', '--out', dir);
    expect(r.code).toBe(0);
    const codes = await studentCodes('4B');
    const [link] = await decodeQrCodes(readFileSync(path.join(dir, `${codes[0]}.png`)));
    expect(await resolveCardToken(database.db, new URL(link!).searchParams.get('start')!, cardSecret({ BOT_TOKEN }))).toMatchObject({ ok: true });
  });

  it('refuses clearly without a signing key, without the bot\'s name, for an unknown class, and a short CARD_SECRET', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sis-cards-'));
    const noKey = await cli(base, 'cards', '--school', 'DEMO-001', '--class', '1A', '--out', dir);
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain('CARD_SECRET');
    const noName = await cli({ ...base, BOT_USERNAME: '', CARD_SECRET }, 'cards', '--school', 'DEMO-001', '--class', '1A', '--out', dir);
    expect(noName.code).toBe(2);
    expect(noName.err).toContain('BOT_USERNAME');
    const noClass = await cli({ ...base, CARD_SECRET }, 'cards', '--school', 'DEMO-001', '--class', '9Z', '--out', dir);
    expect(noClass.code).toBe(2);
    expect(noClass.err).toContain('no class 9Z');
    const noOut = await cli({ ...base, CARD_SECRET }, 'cards', '--school', 'DEMO-001');
    expect(noOut.err).toContain('--out is required');
    const short = await cli({ ...base, CARD_SECRET: 'too-short' }, 'cards', '--school', 'DEMO-001', '--out', dir);
    expect(short.code).toBe(2);
    expect(short.err).toContain('CARD_SECRET must be at least 32 characters');
    expect(readdirSync(dir)).toEqual([]);
  });
});
