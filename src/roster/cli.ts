/** `roster import`, `staff import` and `demo`: the lists a school already keeps, and the sample school. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CliUsageError, requireOption, type CliCommand, type CliContext } from '../core/cli.js';
import { printInvites } from '../onboarding/cli.js';
import { rosterErrorText } from './parse.js';
import { DEMO_FIXTURES, DEMO_SCHOOL, loadDemoSchool } from './demo.js';
import { importStaff, importStudents, UnknownSchoolError, type ImportResult } from './service.js';
import type { RosterChanges, RosterPerson, StaffChanges, StaffPerson } from './changes.js';

function printImport(ctx: CliContext, result: ImportResult<object>, file: string): boolean {
  if (!result.ok) {
    ctx.out.error(`${path.basename(file)}: ${result.errors.length} problem(s), nothing was imported:`);
    for (const e of result.errors) {
      const { key, args } = rosterErrorText(e);
      ctx.out.error(`  ${ctx.notifier.t(ctx.locale, key, args)}`);
    }
    return false;
  }
  const dry = 'dryRun' in result && result.dryRun === true;
  ctx.out.line(`${path.basename(file)}: ${dry ? 'checked (dry run): nothing was changed. It would make these changes:' : 'imported.'}`);
  const { changes, ...counts } = result.summary as { changes?: RosterChanges | StaffChanges };
  const who = (p: { code: string; nameKm: string; nameEn: string | null }) => `${p.nameEn ?? p.nameKm} (${p.code})`;
  if (changes && 'classChanged' in changes) {
    const from = new Map(changes.transfersIn.map((t) => [t.code, t.fromSchoolEn]));
    ctx.out.line(`  new: ${changes.added.length} (of them transfers from another school: ${changes.transfersIn.length}), changed class: ${changes.classChanged.length}, leaving: ${changes.leaving.length}`);
    for (const p of changes.added) ctx.out.line(`  + ${who(p)} → ${p.className}${from.has(p.code) ? ` (transfer from ${from.get(p.code)})` : ''}`);
    for (const p of changes.classChanged) ctx.out.line(`  ~ ${who(p)}: ${p.fromClass ?? '—'} → ${p.className}`);
    for (const p of changes.leaving as RosterPerson[]) ctx.out.line(`  - ${who(p)} leaves ${p.className ?? '—'}`);
  } else if (changes) {
    const roles = (p: Pick<StaffPerson, 'roles' | 'homeroom'>) => `${p.roles.join(';') || '—'}${p.homeroom ? `, homeroom ${p.homeroom}` : ''}`;
    ctx.out.line(`  new: ${changes.added.length}, roles or homeroom changed: ${changes.changed.length}, leaving: ${changes.leaving.length}`);
    for (const p of changes.added) ctx.out.line(`  + ${who(p)}: ${roles(p)}`);
    for (const p of changes.changed) ctx.out.line(`  ~ ${who(p)}: ${roles({ roles: p.fromRoles, homeroom: p.fromHomeroom })} → ${roles(p)}`);
    for (const p of changes.leaving) ctx.out.line(`  - ${who(p)} leaves (${roles(p)})`);
  }
  ctx.out.line(JSON.stringify(counts, null, 2));
  return true;
}

function importCommand(kind: 'roster' | 'staff'): CliCommand {
  return {
    name: `${kind} import`,
    usage: '--school CODE [--dry-run] FILE.csv|FILE.xlsx',
    summary: kind === 'roster' ? 'students, classes and guardians' : 'staff, roles and homeroom classes',
    options: { school: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    positionals: true,
    async run(ctx, { values, positionals }) {
      const file = positionals[0];
      if (!file) throw new CliUsageError('give the file to import');
      const school = requireOption(values, 'school');
      const bytes = await readFile(file).catch(() => {
        throw new CliUsageError(`cannot read ${file}`);
      });
      const input = { schoolCode: school, file: { name: path.basename(file), bytes }, actor: 'cli', notifier: ctx.notifier, dryRun: values['dry-run'] === true };
      try {
        const result = kind === 'roster' ? await importStudents(ctx.database.db, input) : await importStaff(ctx.database.db, input);
        return printImport(ctx, result, file);
      } catch (err) {
        if (err instanceof UnknownSchoolError) throw new CliUsageError(err.message);
        throw err;
      }
    },
  };
}

export const rosterImportCli = importCommand('roster');
export const staffImportCli = importCommand('staff');

// The sample school ships with the repository (a copy of ../shared/fixtures), so the demo works on
// any fresh checkout.
export const demoCli: CliCommand = {
  name: 'demo',
  usage: '[--fixtures DIR]',
  summary: `load the sample school (code ${DEMO_SCHOOL.code})`,
  options: { fixtures: { type: 'string' } },
  async run(ctx, { values }) {
    const fixtures = (values.fixtures as string | undefined) ?? DEMO_FIXTURES;
    const loaded = await loadDemoSchool(ctx.database.db, { fixtures, notifier: ctx.notifier });
    ctx.out.line(`School ${DEMO_SCHOOL.code} is ready.`);
    if (!printImport(ctx, loaded.students, path.join(fixtures, 'students.csv'))) return false;
    if (!loaded.staff || !printImport(ctx, loaded.staff, path.join(fixtures, 'staff.csv'))) return false;
    ctx.out.line('');
    ctx.out.line('Try it: open the bot, tap Start and share a phone number that is on the roster');
    ctx.out.line('(parents: guardian_phone in students.csv; staff: phone in staff.csv), or use this invite:');
    await printInvites(ctx, { school: DEMO_SCHOOL.code, role: 'teacher' });
    return true;
  },
};
