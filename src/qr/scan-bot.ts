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
import { addJob } from '../core/queue/jobs.js';
import {
  noticesOff,
  noticesOn,
  scanHome,
  scanningConfirmMode,
  scanningImmediateMode,
  scanningOff,
  scanningOn,
} from './buttons.js';
import type { AppDeps, BaseContext, BotContext } from '../core/telegram/context.js';
import type { Button } from '../core/buttons.js';
import type { DeepLink } from '../core/capability.js';
import { officeMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { asciiDigits, formatNumber, formatTime } from '../core/i18n/index.js';
import { safeError } from '../core/logger.js';
import { ignoreNotModified } from '../core/telegram/errors.js';
import { readQrPhoto, type QrPhoto } from './decode.js';
import { getScanSettings, HHMM, ScanSettingsError, setScanSettings, type ScanSettingsChange, type ScanSettingsView } from './settings.js';
import { scansQueue, type ScanJob } from './scan-jobs.js';
import { arrivalNoticesOn, extractCardToken, recordScan, scanningMemberships, setArrivalNotices, type ScanVia } from './scan.js';
import { afterScan, scanResultText } from './scan-result.js';

/** Telegram keeps photos up to 2560 px; the decoder needs far less, and the download costs. */
const PHOTO_MAX_BYTES = 5 * 1024 * 1024;

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
  const result = await recordScan(deps.database.db, { actor: ctx.actor, token, via, secret: deps.cardSecret, notifier: deps.notifier, now: deps.now(), digestSeconds: deps.arrivalDigestSeconds });
  await afterScan(deps, result, ctx.from!.id);
  await ctx.reply(scanResultText(ctx.t, ctx.locale, result));
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
    if (texts.length > 1) return refuse('many-codes', ctx.t('qr-scan-photo-many', { count: formatNumber(ctx.locale, texts.length) }));
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
  function settingsText(ctx: BaseContext, v: ScanSettingsView): string {
    const time = (hhmm: string) => formatTime(ctx.locale, hhmm);
    const shift = (x: 'morning' | 'afternoon') =>
      ctx.t('qr-scanning-shift', { shift: ctx.t(`core-shift-${x}`), late: time(v.shifts[x].lateAfter), cutoff: time(v.shifts[x].cutoffAt) });
    return [
      ctx.t(v.enabled ? 'qr-scanning-on' : 'qr-scanning-off'),
      shift('morning'),
      shift('afternoon'),
      ctx.t(v.alertMode === 'immediate' ? 'qr-scanning-mode-immediate' : 'qr-scanning-mode-confirm'),
      ctx.t('qr-scanning-cooldown', { minutes: formatNumber(ctx.locale, Math.round(v.cooldownSeconds / 60)) }),
      ctx.t('qr-scanning-howto'),
    ].join('\n');
  }

  const settingsKeyboard = (ctx: BaseContext, v: ScanSettingsView) =>
    new InlineKeyboard()
      .text(ctx.t(v.enabled ? 'qr-scanning-turn-off' : 'qr-scanning-turn-on'), (v.enabled ? scanningOff : scanningOn).pack({}))
      .row()
      .text(
        ctx.t(v.alertMode === 'immediate' ? 'qr-scanning-use-confirm' : 'qr-scanning-use-immediate'),
        (v.alertMode === 'immediate' ? scanningConfirmMode : scanningImmediateMode).pack({}),
      );

  async function applySettings(ctx: BotContext, schoolId: number, change: ScanSettingsChange): Promise<ScanSettingsView | null> {
    try {
      const view = await setScanSettings(db, schoolId, change, actorOf(ctx.from!.id));
      const job: ScanJob = { kind: 'sync', schoolId };
      await addJob(deps.jobs, scansQueue, job).catch((err) => ctx.log.warn({ err: safeError(err) }, 'scan schedule sync not queued; the worker syncs hourly'));
      return view;
    } catch (err) {
      if (err instanceof ScanSettingsError) {
        // The times in the message (the cutoff, the late time, what was typed) in the reader's digits.
        const vars = Object.fromEntries(Object.entries(err.vars).map(([k, v]) => [k, formatTime(ctx.locale, v)]));
        await ctx.reply(ctx.t(`qr-scanning-error-${err.code}`, vars));
        return null;
      }
      throw err;
    }
  }

  composer.command('scanning', async (ctx) => {
    const office = officeMembership(ctx.actor);
    if (!office) {
      await audit(db, { actor: actorOf(ctx.from!.id), action: 'scan.settings', outcome: 'denied' });
      await ctx.reply(ctx.t('qr-scanning-office-only'));
      return;
    }
    // Typed changes: `/scanning late morning 07:15`, `/scanning cutoff afternoon 14:00`, `/scanning cooldown 5`
    // (Khmer digits too: ០៧:១៥).
    const [what, shiftWord, time] = asciiDigits(ctx.match.trim().toLowerCase()).split(/\s+/).filter(Boolean);
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

  const settingsChanges: Array<[Button<Record<never, never>>, ScanSettingsChange]> = [
    [scanningOn, { enabled: true }],
    [scanningOff, { enabled: false }],
    [scanningConfirmMode, { alertMode: 'confirm' }],
    [scanningImmediateMode, { alertMode: 'immediate' }],
  ];
  composer.callbackQuery(
    settingsChanges.map(([button]) => button.pattern),
    async (ctx) => {
      const office = officeMembership(ctx.actor);
      const change = settingsChanges.find(([button]) => button.parse(ctx.callbackQuery.data))?.[1];
      if (!office || !change) {
        await audit(db, { actor: actorOf(ctx.from.id), action: 'scan.settings', outcome: 'denied', details: office ? { reason: 'bad-button' } : undefined });
        await ctx.answerCallbackQuery({ text: ctx.t(office ? 'core-menu-outdated' : 'qr-scanning-office-only'), show_alert: true });
        return;
      }
      await ctx.answerCallbackQuery();
      const view = await applySettings(ctx, office.schoolId, change);
      if (view) await ctx.editMessageText(settingsText(ctx, view), { reply_markup: settingsKeyboard(ctx, view) }).catch(ignoreNotModified);
    },
  );

  // --- arrival notices, for parents -----------------------------------------------------------
  const noticesKeyboard = (ctx: BaseContext, on: boolean) =>
    new InlineKeyboard().text(ctx.t(on ? 'qr-scan-notices-off-button' : 'qr-scan-notices-on-button'), (on ? noticesOff : noticesOn).pack({}));

  composer.command('notices', async (ctx) => {
    if (ctx.actor.childIds.length === 0) {
      await ctx.reply(ctx.t('qr-scan-notices-parents-only'));
      return;
    }
    const on = await arrivalNoticesOn(db, ctx.from!.id);
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
