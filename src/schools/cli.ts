/** `school add` and `official add`: the places every record belongs to, and the offices above schools. */
import { CliUsageError, requireOption, type CliCommand } from '../core/cli.js';
import { normalizePhone } from '../roster/phone.js';
import { addOfficial, addSchool, SchoolInputError } from './service.js';

export const schoolAddCli: CliCommand = {
  name: 'school add',
  usage: '--code CODE --name-km NAME --name-en NAME --province CODE|NAME [--timezone TZ]',
  summary: 'a school (created, or updated when the code exists), with its current school year',
  options: { code: { type: 'string' }, 'name-km': { type: 'string' }, 'name-en': { type: 'string' }, province: { type: 'string' }, timezone: { type: 'string' } },
  async run(ctx, { values }) {
    const r = await addSchool(
      ctx.database.db,
      {
        code: requireOption(values, 'code'),
        nameKm: requireOption(values, 'name-km'),
        nameEn: requireOption(values, 'name-en'),
        province: requireOption(values, 'province'),
        timezone: values.timezone as string | undefined,
      },
      'cli',
    ).catch((err) => {
      throw err instanceof SchoolInputError ? new CliUsageError(err.message) : err;
    });
    ctx.out.line(`School ${values.code} ${r.created ? 'created' : 'updated'} (id ${r.id}).`);
    if (!(await ctx.syncSchool(r.id))) ctx.out.line('(Redis not reachable: the worker picks up the new school at its next start or within the hour)');
    return true;
  },
};

export const officialAddCli: CliCommand = {
  name: 'official add',
  usage: '--phone PHONE --name NAME [--province CODE|NAME]',
  summary: 'a provincial director (or, without --province, a national administrator);\nlinked when they share PHONE',
  options: { phone: { type: 'string' }, name: { type: 'string' }, province: { type: 'string' } },
  async run(ctx, { values }) {
    const phone = normalizePhone(requireOption(values, 'phone'));
    if (!phone.ok) throw new CliUsageError('--phone is not a Cambodian phone number');
    const province = values.province as string | undefined;
    const r = await addOfficial(ctx.database.db, { phoneE164: phone.e164, name: requireOption(values, 'name'), provinceCode: province }, 'cli');
    if (!r.ok) throw new CliUsageError(`no province with code ${province} (nor with that name)`);
    ctx.out.line(`Official ${r.id} ${r.provinceId === null ? '(national)' : `(province ${province})`} saved; linked when they share their phone.`);
    return true;
  },
};
