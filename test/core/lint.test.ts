/**
 * The lint step keeps the architecture: it fails on a core → capability import, on SQL in a bot
 * file, and on a non-bot module importing a bot file; the same code in the right place passes.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: path.resolve(import.meta.dirname, '../..') });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.resolve(import.meta.dirname, '../..', file) });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

describe('the lint step', () => {
  it('refuses a core module that imports a capability', async () => {
    expect(await problems('src/core/queue/example.ts', "import { submitSheet } from '../../attendance/service.js';\nvoid submitSheet;\n")).toContain('sis/core-uses-no-capability');
    expect(await problems('src/core/example.ts', "export * from '../reports/schema.js';\n")).toContain('sis/core-uses-no-capability');
    expect(await problems('src/core/queue/example.ts', "import { audit } from '../auth/audit.js';\nimport type { Config } from '../../config.js';\nvoid audit;\nexport type C = Config;\n")).toEqual([]);
  });

  it('refuses SQL in a bot file, however it is written', async () => {
    const bot = 'src/attendance/bot.ts';
    expect(await problems(bot, "import { sql } from 'drizzle-orm';\nvoid sql;\n")).toContain('sis/no-sql-in-bot');
    expect(await problems(bot, "import { students } from '../core/db/schema.js';\nvoid students;\n")).toContain('sis/no-sql-in-bot');
    expect(await problems('src/qr/scan-bot.ts', 'export async function f(deps: any) {\n  return deps.database.rows(`select 1`);\n}\n')).toContain('sis/no-sql-in-bot');
    expect(await problems(bot, 'export async function f(db: any) {\n  return db.execute("select 1");\n}\n')).toContain('sis/no-sql-in-bot');
    // type imports of the schema and calls of services are fine
    expect(await problems(bot, "import type { Locale } from '../core/db/schema.js';\nimport { loadSheet } from './service.js';\nexport type L = Locale;\nvoid loadSheet;\n")).toEqual([]);
  });

  it('allows SQL in a service', async () => {
    expect(await problems('src/attendance/service-example.ts', "import { sql } from 'drizzle-orm';\nexport const q = (db: any) => db.execute(sql`select 1`);\n")).toEqual([]);
  });

  it('refuses a service, renderer or route that imports a bot file; the descriptor may', async () => {
    expect(await problems('src/qr/miniapp.ts', "import { scanFeature } from './scan-bot.js';\nvoid scanFeature;\n")).toContain('sis/bot-files-stay-in-the-bot');
    expect(await problems('src/qr/index.ts', "import { scanFeature } from './scan-bot.js';\nvoid scanFeature;\n")).toEqual([]);
  });
});
