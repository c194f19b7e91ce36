/** `schools import FILE` and `provinces`: the ministry's registry from the command line. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CliUsageError, type CliCommand } from '../core/cli.js';
import { provinces } from '../core/db/schema.js';
import { importRegistry, REGISTRY_COLUMNS } from './service.js';

const importCli: CliCommand = {
  name: 'schools import',
  usage: 'FILE.csv|FILE.xlsx',
  summary: `the ministry's school list (columns ${REGISTRY_COLUMNS.join(', ')}); province as a code 01-25 or a name;\nall rows or none, every problem with its row; importing the same file again changes nothing`,
  positionals: true,
  async run(ctx, { positionals }) {
    const file = positionals[0];
    if (!file) throw new CliUsageError('give the registry file to import');
    const bytes = await readFile(file).catch(() => {
      throw new CliUsageError(`cannot read ${file}`);
    });
    const r = await importRegistry(ctx.database, { name: file, bytes }, 'cli');
    if (!r.ok) {
      ctx.out.error(`${path.basename(file)}: ${r.problems.length} problem(s), nothing was imported:`);
      for (const p of r.problems) ctx.out.error(`  ${p.row > 0 ? `row ${p.row}: ` : ''}${p.message}`);
      return false;
    }
    ctx.out.line(`${path.basename(file)}: ${r.created} schools created, ${r.updated} updated, ${r.unchanged} unchanged.`);
    let synced = true;
    for (const id of r.schoolIds) if (!(await ctx.syncSchool(id))) synced = false;
    if (!synced) ctx.out.line('(Redis not reachable: the worker picks up the new schools at its next start or within the hour)');
    return true;
  },
};

const provincesCli: CliCommand = {
  name: 'provinces',
  usage: '',
  summary: "Cambodia's provinces with their codes (what --province takes, besides a name)",
  async run(ctx) {
    const rows = await ctx.database.db.select().from(provinces).orderBy(provinces.code);
    for (const p of rows) ctx.out.line(`${p.code}  ${p.nameEn}  ${p.nameKm}`);
    return true;
  },
};

export const registryCli: readonly CliCommand[] = [importCli, provincesCli];
