/**
 * Scanning in the chat:
 * - a phone camera reads a card's QR (a t.me link) and opens the bot with `/start <token>`;
 * - a photo of a card sent to the bot is decoded;
 * - /scan explains both and opens the gate-scanner Mini App (see miniapp.ts) when it is served.
 * Parents: the button under each arrival notice, and /notices, turn arrival notices off or on.
 * Every scan goes through recordScan, the one rule for all three ways in.
 */
import { Composer, InlineKeyboard, type Api } from 'grammy';
import type { PhotoSize } from 'grammy/types';
import { sql } from 'drizzle-orm';
import { addJob } from '../core/queue/jobs.js';
import { noticesOff, noticesOn, scanHome } from './buttons.js';
import type { AppDeps, BaseContext, BotContext } from '../core/telegram/context.js';
import type { DeepLink } from '../core/capability.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { formatNumber } from '../core/i18n/index.js';
import type { Locale } from '../core/db/schema.js';
import { safeError } from '../core/logger.js';
import { markLateArrival } from '../attendance/service.js';
import { readQrPhoto, type QrPhoto } from './decode.js';
import { getScanSettings, HHMM, ScanSettingsError, setScanSettings, type ScanSettingsChange, type ScanSettingsView } from './settings.js';
import { scansQueue, type ScanJob } from './scan-jobs.js';
import { extractCardToken, recordScan, scanningMemberships, setArrivalNotices, type ScanResult, type ScanVia } from './scan.js';


/** Telegram keeps photos up to 2560 px; the decoder needs far less, and the download costs. */
const PHOTO_MAX_BYTES = 5 * 1024 * 1024;

function localeOf(ctx: BaseContext): Locale {
  return ctx.locale;
}

/** The text shown to the scanner for a result, in their language (also used by the Mini App). */
export function scanResultText(t: (key: string, vars?: Record<string, string | number>) => string, locale: Locale, result: ScanResult): string {
  if (!result.ok) return t(`qr-scan-denied-${result.reason}`);
  const s = result.student;
  const name = locale === 'en' && s.nameEn ? s.nameEn : s.nameKm;
  const digits = (hhmm: string) => (locale === 'km' ? hhmm.replace(/\d/g, (d) => formatNumber('km', Number(d))) : hhmm);
  if (result.kind === 'arrival') {
    const line = t(result.late ? 'qr-scan-arrived-late' : 'qr-scan-arrived', { name, class: s.className, time: digits(result.time) });
    return result.noticesQueued > 0 ? `${line}\n${t('qr-scan-families-told', { count: formatNumber(locale, result.noticesQueued) })}` : line;
  }
  if (result.kind === 'departure') return t('qr-scan-departed', { name, class: s.className, time: digits(result.time), arrived: digits(result.arrivedTime) });
  return result.departedTime
    ? t('qr-scan-repeat-left', { name, arrived: digits(result.arrivedTime), left: digits(result.departedTime) })
    : t('qr-scan-repeat', { name, arrived: digits(result.arrivedTime) });
}

/** After an accepted arrival: a child already submitted absent becomes late, and families get a correction. */
export async function afterScan(deps: AppDeps, result: ScanResult, telegramUserId: number): Promise<void> {
  if (result.ok && result.kind === 'arrival' && result.markedAbsent) {
    await markLateArrival(
      deps.database.db,
      { studentId: result.student.studentId, classId: result.student.classId, className: result.student.className, schoolId: result.student.schoolId, day: result.day, shift: result.shift, time: result.time, who: actorOf(telegramUserId) },
      deps.notifier,
    );
  }
  if (result.ok && result.kind === 'arrival') deps.kickOutbox();
}

async function downloadFile(api: Api, fileId: string): Promise<Uint8Array> {
  const file = await api.getFile(fileId);
  if (!file.file_path) throw new Error('no file path');
  const root = api.options?.apiRoot ?? 'https://api.telegram.org';
  const fetchImpl = api.options?.fetch ?? fetch;
  const res = await fetchImpl(`${root}/file/bot${api.token}/${file.file_path}`);
  if (!res.ok) throw new Error(`download failed: ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The size the decoder reads best from: the largest under the byte cap (Telegram lists smallest first). */
function pickPhoto(sizes: PhotoSize[]): PhotoSize | undefined {
  const fitting = sizes.filter((p) => (p.file_size ?? 0) <= PHOTO_MAX_BYTES);
  return fitting.at(-1);
}

async function scan(deps: AppDeps, ctx: BotContext, token: string, via: ScanVia) {
  const result = await recordScan(deps.database.db, { actor: ctx.actor, token, via, secret: deps.cardSecret, notifier: deps.notifier, now: deps.now() });
  await afterScan(deps, result, ctx.from!.id);
  await ctx.reply(scanResultText(ctx.t, localeOf(ctx), result));
}

/** How to scan, with the gate-scanner Mini App's button (also set as the chat's menu button). */
async function showScanHowto(deps: AppDeps, ctx: BotContext): Promise<void> {
  if (scanningMemberships(ctx.actor).length === 0) {
    await ctx.reply(ctx.t('qr-scan-denied-not-scanner'));
    return;
  }
  if (!deps.webAppUrl) {
    await ctx.reply(ctx.t('qr-scan-howto-no-app'));
    return;
  }
  const url = deps.webAppUrl;
  await ctx.reply(ctx.t('qr-scan-howto'), { reply_markup: new InlineKeyboard().webApp(ctx.t('qr-scan-open-app'), url) });
  // The chat's menu button opens the scanner too, one tap from the chat at every shift.
  await ctx.api
    .setChatMenuButton({ chat_id: ctx.chat!.id, menu_button: { type: 'web_app', text: ctx.t('qr-scan-menu-button'), web_app: { url } } })
    .catch((err) => ctx.log.warn({ err: safeError(err) }, 'menu button not set'));
}

/** A card read by the phone camera: t.me/<bot>?start=<token>. */
export const cardDeepLink: DeepLink = {
  matches: (payload) => extractCardToken(payload) !== null,
  open: (ctx, payload) => scan(ctx.deps, ctx, extractCardToken(payload)!, 'camera'),
};

/** Photos of cards, /scan, the office's /scanning and parents' /notices. */
export function scanFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;

  // A photo of a card, from someone who scans. Photos from anyone else go on to other features.
  composer.on('message:photo', async (ctx, next) => {
    if (scanningMemberships(ctx.actor).length === 0) return next();
    // A photo that yields no card is refused with its reason, recorded nowhere but the audit log.
    const refuse = async (reason: 'too-large' | 'not-an-image' | 'no-code' | 'many-codes' | 'malformed', text: string) => {
      await audit(db, { actor: actorOf(ctx.from.id), action: 'scan.record', outcome: 'denied', details: { reason, via: 'photo' } });
      await ctx.reply(text);
    };
    const photo = pickPhoto(ctx.message.photo);
    if (!photo) return refuse('too-large', ctx.t('qr-scan-photo-too-big'));
    let read: QrPhoto;
    try {
      read = await readQrPhoto(await downloadFile(ctx.api, photo.file_id));
    } catch (err) {
      ctx.log.warn({ err: safeError(err) }, 'card photo could not be downloaded');
      await ctx.reply(ctx.t('qr-scan-photo-bad'));
      return;
    }
    if (!read.ok) return refuse(read.reason, ctx.t(read.reason === 'too-large' ? 'qr-scan-photo-too-big' : 'qr-scan-photo-bad'));
    const { texts } = read;
    if (texts.length === 0) return refuse('no-code', ctx.t('qr-scan-photo-none'));
    if (texts.length > 1) return refuse('many-codes', ctx.t('qr-scan-photo-many', { count: formatNumber(localeOf(ctx), texts.length) }));
    const token = extractCardToken(texts[0]!);
    if (!token) return refuse('malformed', ctx.t('qr-scan-denied-malformed'));
    await scan(deps, ctx, token, 'photo');
  });

  composer.command('scan', (ctx) => showScanHowto(deps, ctx));
  composer.callbackQuery(scanHome.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showScanHowto(deps, ctx);
  });

  // --- the school's scanning settings, for the office ---------------------------------------
  const officeSchool = (ctx: BaseContext) => ctx.actor.staff.find((m) => m.roles.includes('principal') || m.roles.includes('operator'));

  function settingsText(ctx: BaseContext, v: ScanSettingsView): string {
    const shift = (x: 'morning' | 'afternoon') =>
      ctx.t('qr-scanning-shift', { shift: ctx.t(`core-shift-${x}`), late: v.shifts[x].lateAfter, cutoff: v.shifts[x].cutoffAt });
    return [
      ctx.t(v.enabled ? 'qr-scanning-on' : 'qr-scanning-off'),
      shift('morning'),
      shift('afternoon'),
      ctx.t(v.alertMode === 'immediate' ? 'qr-scanning-mode-immediate' : 'qr-scanning-mode-confirm'),
      ctx.t('qr-scanning-cooldown', { minutes: formatNumber(localeOf(ctx), Math.round(v.cooldownSeconds / 60)) }),
      ctx.t('qr-scanning-howto'),
    ].join('\n');
  }

  const settingsKeyboard = (ctx: BaseContext, v: ScanSettingsView) =>
    new InlineKeyboard()
      .text(ctx.t(v.enabled ? 'qr-scanning-turn-off' : 'qr-scanning-turn-on'), v.enabled ? 'sc:off' : 'sc:on')
      .row()
      .text(ctx.t(v.alertMode === 'immediate' ? 'qr-scanning-use-confirm' : 'qr-scanning-use-immediate'), v.alertMode === 'immediate' ? 'sc:confirm' : 'sc:immediate');

  async function applySettings(ctx: BotContext, schoolId: number, change: ScanSettingsChange): Promise<ScanSettingsView | null> {
    try {
      const view = await setScanSettings(db, schoolId, change, actorOf(ctx.from!.id));
      const job: ScanJob = { kind: 'sync', schoolId };
      await addJob(deps.jobs, scansQueue, job).catch((err) => ctx.log.warn({ err: safeError(err) }, 'scan schedule sync not queued; the worker syncs hourly'));
      return view;
    } catch (err) {
      if (err instanceof ScanSettingsError) {
        await ctx.reply(ctx.t(`qr-scanning-error-${err.code}`, err.vars));
        return null;
      }
      throw err;
    }
  }

  composer.command('scanning', async (ctx) => {
    const office = officeSchool(ctx);
    if (!office) {
      await audit(db, { actor: actorOf(ctx.from!.id), action: 'scan.settings', outcome: 'denied' });
      await ctx.reply(ctx.t('qr-scanning-office-only'));
      return;
    }
    // Typed changes: `/scanning late morning 07:15`, `/scanning cutoff afternoon 14:00`, `/scanning cooldown 5`.
    const [what, shiftWord, time] = ctx.match.trim().toLowerCase().split(/\s+/).filter(Boolean);
    if (what) {
      const shift = shiftWord === 'morning' || shiftWord === 'ព្រឹក' ? 'morning' : shiftWord === 'afternoon' || shiftWord === 'រសៀល' ? 'afternoon' : null;
      let change: ScanSettingsChange | null = null;
      if ((what === 'late' || what === 'cutoff') && shift && time && HHMM.test(time)) change = what === 'late' ? { lateAfter: { [shift]: time } } : { cutoffAt: { [shift]: time } };
      else if (what === 'cooldown' && shiftWord && /^\d{1,3}$/.test(shiftWord)) change = { cooldownSeconds: Number(shiftWord) * 60 };
      if (!change) {
        await ctx.reply(ctx.t('qr-scanning-usage'));
        return;
      }
      const view = await applySettings(ctx, office.schoolId, change);
      if (view) await ctx.reply(settingsText(ctx, view), { reply_markup: settingsKeyboard(ctx, view) });
      return;
    }
    const view = await getScanSettings(db, office.schoolId);
    await ctx.reply(settingsText(ctx, view), { reply_markup: settingsKeyboard(ctx, view) });
  });

  composer.callbackQuery(/^sc:(on|off|confirm|immediate)$/, async (ctx) => {
    const office = officeSchool(ctx);
    if (!office) {
      await audit(db, { actor: actorOf(ctx.from.id), action: 'scan.settings', outcome: 'denied' });
      await ctx.answerCallbackQuery({ text: ctx.t('qr-scanning-office-only'), show_alert: true });
      return;
    }
    const op = ctx.match[1];
    const change: ScanSettingsChange = op === 'on' || op === 'off' ? { enabled: op === 'on' } : { alertMode: op as 'confirm' | 'immediate' };
    await ctx.answerCallbackQuery();
    const view = await applySettings(ctx, office.schoolId, change);
    if (view) await ctx.editMessageText(settingsText(ctx, view), { reply_markup: settingsKeyboard(ctx, view) });
  });

  // --- arrival notices, for parents -----------------------------------------------------------
  const noticesKeyboard = (ctx: BaseContext, on: boolean) =>
    new InlineKeyboard().text(ctx.t(on ? 'qr-scan-notices-off-button' : 'qr-scan-notices-on-button'), (on ? noticesOff : noticesOn).pack({}));

  composer.command('notices', async (ctx) => {
    if (ctx.actor.childIds.length === 0) {
      await ctx.reply(ctx.t('qr-scan-notices-parents-only'));
      return;
    }
    const rows = await deps.database.rows<{ on: boolean }>(sql`select arrival_notices as "on" from telegram_accounts where telegram_user_id = ${ctx.from!.id}`);
    const on = rows[0]?.on ?? true;
    await ctx.reply(ctx.t(on ? 'qr-scan-notices-status-on' : 'qr-scan-notices-status-off'), { reply_markup: noticesKeyboard(ctx, on) });
  });

  composer.callbackQuery([noticesOn.pattern, noticesOff.pattern], async (ctx) => {
    if (ctx.actor.childIds.length === 0) {
      await ctx.answerCallbackQuery({ text: ctx.t('qr-scan-notices-parents-only'), show_alert: true });
      return;
    }
    const on = noticesOn.parse(ctx.callbackQuery.data) !== null;
    await setArrivalNotices(db, ctx.from.id, on);
    await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t(on ? 'qr-scan-notices-on-done' : 'qr-scan-notices-off-done'), { reply_markup: noticesKeyboard(ctx, on) });
  });

  return composer;
}
