/**
 * /export for officials: a provincial director gets their province, the national administrator
 * the nation, a principal their school. Buttons (OneRoster ZIP, this month's attendance as Ed-Fi
 * JSON lines or CSV) or typed: `/export oneroster`, `/export attendance [YYYY-MM] [csv]`. The
 * worker makes the file and sends it (or a download link when it is over Telegram's 50 MB).
 */
import { Composer, InlineKeyboard } from 'grammy';
import { addJob } from '../core/queue/jobs.js';
import type { AppDeps, BotContext } from '../core/telegram/context.js';
import { schoolClock } from '../core/clock.js';
import { asciiDigits } from '../core/i18n/index.js';
import { exportKind } from './buttons.js';
import { exportFileName } from './files.js';
import { exportsQueue, type ExportJob } from './jobs.js';
import { auditExportRequest, exportScopeOf, scopeTitle, type ExportKind } from './request.js';

export function exportsFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const today = () => schoolClock('Asia/Phnom_Penh', deps.now()).day;

  async function ask(ctx: BotContext, kind: ExportKind, month: string | undefined) {
    const scope = await exportScopeOf(deps.database, ctx.actor);
    await auditExportRequest(deps.database, ctx.actor, { kind, scope, month });
    if (!scope) {
      await ctx.reply(ctx.t('exports-denied'));
      return;
    }
    const key = `export-${ctx.from!.id}-${kind}-${month ?? 'all'}-${ctx.update.update_id}`;
    const job: ExportJob = { kind: 'make', export: kind, scope, ...(month ? { month } : {}), today: today(), chatId: ctx.chat!.id, locale: ctx.locale, key };
    await addJob(deps.jobs, exportsQueue, job, key);
    await ctx.reply(ctx.t('exports-preparing', { name: exportFileName(kind, scope, month) }));
  }

  composer.command('export', async (ctx) => {
    const args = asciiDigits(ctx.match).toLowerCase().split(/\s+/).filter(Boolean);
    if (args.length === 0) {
      const scope = await exportScopeOf(deps.database, ctx.actor);
      if (!scope) {
        await auditExportRequest(deps.database, ctx.actor, { kind: 'oneroster', scope: null });
        await ctx.reply(ctx.t('exports-denied'));
        return;
      }
      const keyboard = new InlineKeyboard()
        .text(ctx.t('exports-btn-oneroster'), exportKind.pack({ kind: 'oneroster' }))
        .row()
        .text(ctx.t('exports-btn-jsonl'), exportKind.pack({ kind: 'attendance-jsonl' }))
        .text(ctx.t('exports-btn-csv'), exportKind.pack({ kind: 'attendance-csv' }));
      await ctx.reply(ctx.t('exports-choose', { scope: await scopeTitle(deps.database, scope, ctx.locale, ctx.t) }), { reply_markup: keyboard });
      return;
    }
    if (args[0] === 'oneroster' && args.length === 1) return ask(ctx, 'oneroster', undefined);
    if (args[0] === 'attendance' && args.length <= 3) {
      const rest = args.slice(1);
      const month = rest.find((a) => /^\d{4}-(0[1-9]|1[0-2])$/.test(a)) ?? today().slice(0, 7);
      const csv = rest.includes('csv');
      const unknown = rest.filter((a) => a !== month && a !== 'csv' && a !== 'jsonl');
      if (unknown.length === 0 && month <= today().slice(0, 7)) return ask(ctx, csv ? 'attendance-csv' : 'attendance-jsonl', month);
      if (unknown.length === 0) {
        await ctx.reply(ctx.t('exports-future'));
        return;
      }
    }
    await ctx.reply(ctx.t('exports-usage'));
  });

  composer.callbackQuery(exportKind.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    const b = exportKind.parse(ctx.callbackQuery.data);
    if (!b) return;
    await ask(ctx, b.kind, b.kind === 'oneroster' ? undefined : today().slice(0, 7));
  });
  return composer;
}
