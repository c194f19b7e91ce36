/** `school add` and `official add`: the places every record belongs to, and the offices above schools. */
import { CliUsageError, requireOption, type CliCommand } from '../core/cli.js';
import { normalizePhone } from '../roster/phone.js';
import { addOfficial, addSchool, assignSchoolBot, listSchoolBots, SchoolInputError } from './service.js';
import { fleetBots, registerBots } from '../core/telegram/fleet.js';

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

/**
 * `school bot`: which bot of the fleet serves a school (its cards, invite links and messages).
 * The bots are those of BOT_TOKENS written `token@username` (recorded here) or seen by a running
 * bot; `--bot default` gives the school back to the default bot.
 */
export const schoolBotCli: CliCommand = {
  name: 'school bot',
  usage: '[--school CODE --bot USERNAME|default]',
  summary: "the fleet's bots and the schools each serves; with --school and --bot, moves a school to a bot",
  options: { school: { type: 'string' }, bot: { type: 'string' } },
  async run(ctx, { values }) {
    const { db } = ctx.database;
    await registerBots(db, fleetBots(ctx.config).filter((b) => !b.isDefault));
    if (values.school === undefined && values.bot === undefined) {
      const list = await listSchoolBots(db);
      if (list.length === 0) ctx.out.line('No bots besides the default one (BOT_TOKENS is empty): every school is served by the default bot.');
      for (const b of list) ctx.out.line(`@${b.username}\t(id ${b.id})\t${b.schools} school(s)`);
      return true;
    }
    const code = requireOption(values, 'school');
    const bot = requireOption(values, 'bot').replace(/^@/, '');
    const r = await assignSchoolBot(db, code, bot === 'default' ? null : bot, 'cli');
    if (!r.ok) throw new CliUsageError(r.reason === 'no-school' ? `no school with code ${code}` : `no bot @${bot}: add its token to BOT_TOKENS as token@${bot}, or start the bot once`);
    ctx.out.line(`School ${code} is now served by ${bot === 'default' ? 'the default bot' : `@${bot}`}: new cards and invite links name it, its messages go out through it.`);
    ctx.out.line('Cards printed before still open the old bot: print them again for the families to reach the new one.');
    return true;
  },
};
