/** `verify FILE` (offline check of a certified copy or export), `transfer export|import`, `idcodes import`. */
import { readFile, writeFile } from 'node:fs/promises';
import { CliUsageError, requireOption, type CliCommand } from '../core/cli.js';
import { getSchool } from '../schools/service.js';
import type { BundleCheck } from './bundle.js';
import { importIdCodes, missingIdCodes } from './service-idcodes.js';
import { exportStudentRecords, importTransfer } from './service-transfer.js';
import { verifyFile } from './verify-file.js';

function describe(check: BundleCheck): string {
  const d = check.document;
  const what = d ? `${d.student?.code ?? '?'} ${d.year ?? '?'} term ${d.term ?? '?'} v${d.version ?? '?'}` : 'record';
  if (check.ok) return `VALID    ${what}: hash and ${'every'} signature check out`;
  return `INVALID  ${what}: ${check.problems.map((p) => p.problem + (p.role ? ` (${p.role}${p.scope ? ` ${p.scope}` : ''})` : '')).join(', ')}`;
}

export const verifyCli: CliCommand = {
  name: 'verify',
  usage: 'FILE.pdf|FILE.json [--keys KEYS.json]',
  summary: 'checks a certified copy (PDF) or a records export offline: the document hash, every signature, and the signatures a locked record needs;\n--keys: the /keys JSON saved from the school, to require that every key is one it published',
  options: { keys: { type: 'string' } },
  positionals: true,
  async run(ctx, { values, positionals }) {
    const file = positionals[0];
    if (!file) throw new CliUsageError('name the file to check');
    let trusted: Map<string, string> | undefined;
    if (typeof values.keys === 'string') {
      const keys = JSON.parse(await readFile(values.keys, 'utf8')) as { keys?: Array<{ keyId: string; publicKey: string }> };
      trusted = new Map((keys.keys ?? []).map((k) => [k.keyId, k.publicKey]));
    }
    const result = await verifyFile(await readFile(file), trusted);
    if (result.records.length === 0) {
      ctx.out.error(`${file}: not a certified copy or records export`);
      return false;
    }
    for (const r of result.records) ctx.out.line(describe(r));
    const seal = result.pdfSignature;
    if (seal?.present) ctx.out.line(seal.ok ? `VALID    PDF signature by "${seal.signer}"${seal.pades ? ' (PAdES B-B)' : ''}: the file is unchanged since it was signed` : `INVALID  PDF signature${seal.signer ? ` by "${seal.signer}"` : ''}: ${seal.problem}`);
    else if (seal) ctx.out.line('(no PDF signature: the school has no certificate configured; the record is checked by its own signatures)');
    if (!trusted) ctx.out.line('(keys taken from the file itself; pass --keys with the school\'s /keys to check them too)');
    return result.records.every((r) => r.ok) && (!seal?.present || seal.ok);
  },
};

export const transferExportCli: CliCommand = {
  name: 'transfer export',
  usage: '--school CODE --student CODE --out FILE.json',
  summary: "a student's locked, signed records as one file for the receiving school",
  options: { school: { type: 'string' }, student: { type: 'string' }, out: { type: 'string' } },
  async run(ctx, { values }) {
    const school = await getSchool(ctx.database.db, requireOption(values, 'school'));
    if (!school) throw new CliUsageError('no such school');
    const file = await exportStudentRecords(ctx.database.db, { schoolId: school.id, actor: 'cli' }, requireOption(values, 'student'), new Date());
    if (!file) {
      ctx.out.error('no locked records for that student at that school');
      return false;
    }
    await writeFile(requireOption(values, 'out'), JSON.stringify(file, null, 1));
    ctx.out.line(`${file.records.length} record(s) written`);
    return true;
  },
};

export const transferImportCli: CliCommand = {
  name: 'transfer import',
  usage: '--school CODE [--student CODE] FILE.json',
  summary: 'imports records another school exported; every signature is checked and an altered file is refused whole',
  options: { school: { type: 'string' }, student: { type: 'string' } },
  positionals: true,
  async run(ctx, { values, positionals }) {
    const school = await getSchool(ctx.database.db, requireOption(values, 'school'));
    if (!school) throw new CliUsageError('no such school');
    if (!positionals[0]) throw new CliUsageError('name the file to import');
    const r = await importTransfer(ctx.database.db, { schoolId: school.id, actor: 'cli' }, { bytes: await readFile(positionals[0]), studentCode: typeof values.student === 'string' ? values.student : undefined });
    if (!r.ok) {
      ctx.out.error(`refused: ${r.reason}`);
      for (const c of r.checks ?? []) if (!c.ok) ctx.out.error(describe(c));
      return false;
    }
    ctx.out.line(`${r.imported} record(s) imported${r.already ? `, ${r.already} already here` : ''}`);
    return true;
  },
};

export const idCodesImportCli: CliCommand = {
  name: 'idcodes import',
  usage: '--school CODE FILE.csv',
  summary: "students' identification codes from a CSV of student_code,id_code lines (every line checked before any is set)",
  options: { school: { type: 'string' } },
  positionals: true,
  async run(ctx, { values, positionals }) {
    const school = await getSchool(ctx.database.db, requireOption(values, 'school'));
    if (!school) throw new CliUsageError('no such school');
    if (!positionals[0]) throw new CliUsageError('name the CSV file');
    const r = await importIdCodes(ctx.database.db, { schoolId: school.id, actor: 'cli' }, await readFile(positionals[0], 'utf8'));
    if (!r.ok) {
      for (const p of r.problems) ctx.out.error(p);
      return false;
    }
    const missing = await missingIdCodes(ctx.database.db, school.id);
    ctx.out.line(`${r.set} identification code(s) set; ${missing.reduce((n, c) => n + c.students.length, 0)} student(s) still without one`);
    for (const c of missing) ctx.out.line(`  ${c.className}: ${c.students.map((s) => s.code).join(' ')}`);
    return true;
  },
};

export const recordsCli = [verifyCli, transferExportCli, transferImportCli, idCodesImportCli];
