/** `export oneroster|attendance`: the same files an official gets, made on the command line. */
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { CliUsageError, requireOption, type CliCommand } from '../core/cli.js';
import { audit } from '../core/auth/audit.js';
import { attendanceExport } from './attendance.js';
import { oneRosterZip } from './oneroster.js';
import { resolveScope, ScopeError, scopeLabel } from './scope.js';

const SCOPE_OPTIONS = { school: { type: 'string' }, province: { type: 'string' }, nation: { type: 'boolean' }, out: { type: 'string' } } as const;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

async function scopeOf(ctx: Parameters<CliCommand['run']>[0], values: Record<string, string | boolean | undefined>) {
  return resolveScope(ctx.database, { school: values.school as string | undefined, province: values.province as string | undefined, nation: values.nation === true }).catch((err) => {
    throw err instanceof ScopeError ? new CliUsageError(err.message) : err;
  });
}

const oneRosterCli: CliCommand = {
  name: 'export oneroster',
  usage: '--school CODE|--province CODE|--nation --out FILE.zip',
  summary: 'OneRoster 1.2 CSV (ZIP with manifest: orgs, academicSessions, courses, classes, users, roles, enrollments), streamed',
  options: SCOPE_OPTIONS,
  async run(ctx, { values }) {
    const scope = await scopeOf(ctx, values);
    const out = requireOption(values, 'out');
    await pipeline(oneRosterZip(ctx.database, scope), createWriteStream(out));
    await audit(ctx.database.db, { actor: 'cli', action: 'export.oneroster', details: { scope: scopeLabel(scope) } });
    ctx.out.line(`Wrote ${out} (${(await stat(out)).size} bytes).`);
    return true;
  },
};

const attendanceCli: CliCommand = {
  name: 'export attendance',
  usage: '--school CODE|--province CODE|--nation --from YYYY-MM-DD [--to YYYY-MM-DD] --out FILE.jsonl|FILE.csv',
  summary: 'Ed-Fi StudentSchoolAttendanceEvent records as JSON lines (.jsonl) or CSV (.csv), streamed',
  options: { ...SCOPE_OPTIONS, from: { type: 'string' }, to: { type: 'string' } },
  async run(ctx, { values }) {
    const scope = await scopeOf(ctx, values);
    const out = requireOption(values, 'out');
    const from = requireOption(values, 'from');
    const to = (values.to as string | undefined) ?? from;
    if (!DAY_RE.test(from) || !DAY_RE.test(to) || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) throw new CliUsageError('--from and --to are dates YYYY-MM-DD');
    const format = out.endsWith('.csv') ? 'csv' : out.endsWith('.jsonl') || out.endsWith('.ndjson') ? 'jsonl' : null;
    if (!format) throw new CliUsageError('--out must end in .jsonl or .csv');
    await pipeline(attendanceExport(ctx.database, scope, { from, to, format }), createWriteStream(out));
    await audit(ctx.database.db, { actor: 'cli', action: 'export.attendance', details: { scope: scopeLabel(scope), from, to, format } });
    ctx.out.line(`Wrote ${out} (${(await stat(out)).size} bytes).`);
    return true;
  },
};

export const exportsCli: readonly CliCommand[] = [oneRosterCli, attendanceCli];
