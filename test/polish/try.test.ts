/**
 * Issue 12, for newcomers: `npm run try` sends files as a user and keeps the files the bot sends.
 * A real session (the script, the emulator, the bot and workers) on a fresh data folder: the
 * operator asks for a card, the PNG the bot sends is saved and its path printed; the gate keeper
 * sends that picture as a photo (`:photo PATH`) and the scan is read from it. The queue prefix
 * and the data folder are the ones given (QUEUE_PREFIX, PGLITE_DIR).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const dir = mkdtempSync(path.join(tmpdir(), 'sis-try-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function session(lines: string[]): string {
  const r = spawnSync('npx', ['tsx', 'scripts/try.ts'], {
    input: lines.join('\n') + '\n',
    env: { ...process.env, PGLITE_DIR: path.join(dir, 'db'), TRY_FILES_DIR: path.join(dir, 'files'), QUEUE_PREFIX: `try-test-${process.pid}`, NO_COLOR: '1', DATABASE_URL: '' },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return `${r.stdout}${r.stderr}`;
}

describe('npm run try with files', () => {
  it('saves what the bot sends, sends what the user gives, on the given data folder and queue prefix', () => {
    const first = session([':contact 016 373 035', '/card DEMO-001-S00004', ':quit']);
    expect(first).toContain(`queue prefix try-test-${process.pid}`);
    const saved = /\[document → (\S+\.png)\]/.exec(first)?.[1];
    expect(saved).toBeDefined();
    expect(existsSync(saved!)).toBe(true);
    expect(readdirSync(path.join(dir, 'files'))).toHaveLength(1);
    // The same data folder again: the demo school is there, and the gate keeper scans the picture.
    const second = session([':user 1002 Gate', ':contact 012 999 008', `:photo ${saved}`, ':quit']);
    expect(second).not.toContain('Loaded the demo school');
    expect(second).toMatch(/📎 you send \S+\.png \(\d+ bytes\) as a photo\n\s+🤖 \S+ ស្រេង ដារ៉ា · ថ្នាក់ 1A/);
  }, 480_000);
});
