/**
 * The gate-scanner Mini App, served by the bot's own HTTP server (WEBAPP_URL names its public
 * address; its path is where the page lives, the API under `<path>/api/`).
 *
 * The page opens Telegram's native scanner (showScanQrPopup) and keeps it open card after card,
 * listing each student's name and time. The server trusts a request only when its `initData`
 * verifies against the bot token (HMAC-SHA256 keyed by HMAC("WebAppData", token)) and is fresh;
 * the Telegram user in it is then an ordinary actor, and the scan goes through recordScan like
 * every other scan. Bad initData: 401, nothing recorded, the denial audited.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadActor } from '../core/auth/actor.js';
import { audit } from '../core/auth/audit.js';
import type { Locale } from '../core/db/schema.js';
import type { AppDeps } from '../core/telegram/context.js';
import type { HttpRoute } from '../core/telegram/webhook.js';
import { safeError } from '../core/logger.js';
import { actorThroughBot, createWindowLimiter, INIT_DATA_MAX_AGE_SECONDS, khmerFontRoute, miniAppBotsOf, readJson, sendJson as send, verifyInitData, type MiniAppBots } from '../core/telegram/webapp.js';

import { extractCardToken, recordScan, scanningMemberships } from './scan.js';
import { afterScan, scanResultText } from './scan-result.js';

// The Mini App basics moved to core (shared by every capability's pages); kept here for importers.
export { INIT_DATA_MAX_AGE_SECONDS, signInitData, verifyInitData, type InitDataCheck } from '../core/telegram/webapp.js';

export interface MiniAppLimits {
  /** initData older than this is refused (seconds) */
  maxAgeSeconds?: number;
  /** API requests per client address per window (a gate keeper scans about one card a second) */
  maxRequests?: number;
  windowMs?: number;
}

/** `bots`: the bot token, or a fleet's (core/telegram/fleet.ts fleetMiniAppBots): any of them may sign initData. */
export function miniAppRoutes(deps: AppDeps, bots: string | MiniAppBots, basePath: string, limits: MiniAppLimits = {}): HttpRoute[] {
  const signers = miniAppBotsOf(bots);
  const base = basePath.replace(/\/+$/, '') || '';
  const maxAge = limits.maxAgeSeconds ?? INIT_DATA_MAX_AGE_SECONDS;
  const withinRate = createWindowLimiter(limits.maxRequests ?? 60, limits.windowMs ?? 10_000, () => deps.now().getTime());
  const db = deps.database.db;
  const t = (locale: Locale, key: string, vars?: Record<string, string | number>) => deps.notifier.t(locale, key, vars);

  /** The verified actor behind a request, or the answer already sent. */
  async function authenticate(req: IncomingMessage, res: ServerResponse) {
    // Before anything is read or written: a flood gets 429 and leaves no rows behind.
    if (!withinRate(req.socket.remoteAddress ?? 'unknown')) {
      send(res, 429, { error: 'too-many-requests' });
      return null;
    }
    const body = await readJson(req);
    if (!body) {
      send(res, 400, { error: 'bad-request' });
      return null;
    }
    const check = verifyInitData(typeof body.initData === 'string' ? body.initData : '', signers.tokens, Math.floor(deps.now().getTime() / 1000), maxAge);
    if (!check.ok) {
      await audit(db, { actor: 'miniapp', action: 'scan.miniapp', outcome: 'denied', details: { reason: check.reason } });
      send(res, 401, { error: 'bad-init-data', text: t(deps.defaultLocale, 'qr-scan-app-denied') });
      return null;
    }
    // Only the schools of the bot the app was opened from (a fleet: each bot serves its schools).
    const actor = await actorThroughBot(await loadActor(db, check.userId), check.botId, signers);
    const locale = actor.locale ?? deps.defaultLocale;
    if (scanningMemberships(actor).length === 0) {
      await audit(db, { actor: `tg:${check.userId}`, action: 'scan.miniapp', outcome: 'denied', details: { reason: 'not-scanner' } });
      send(res, 403, { error: 'not-scanner', text: t(locale, 'qr-scan-app-denied') });
      return null;
    }
    return { body, actor, locale };
  }

  const page: HttpRoute = {
    method: 'GET',
    path: base || '/',
    handle: (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }).end(PAGE_HTML.replaceAll('__API__', `${base}/api`).replaceAll('__BASE__', base));
    },
  };

  const hello: HttpRoute = {
    method: 'POST',
    path: `${base}/api/hello`,
    handle: async (req, res) => {
      const who = await authenticate(req, res);
      if (!who) return;
      const l = who.locale;
      send(res, 200, {
        lang: l,
        title: t(l, 'qr-scan-app-title'),
        start: t(l, 'qr-scan-app-start'),
        hint: t(l, 'qr-scan-app-hint'),
        empty: t(l, 'qr-scan-app-empty'),
        failed: t(l, 'qr-scan-app-failed'),
      });
    },
  };

  const scan: HttpRoute = {
    method: 'POST',
    path: `${base}/api/scan`,
    handle: async (req, res) => {
      const who = await authenticate(req, res);
      if (!who) return;
      const token = extractCardToken(typeof who.body.text === 'string' ? who.body.text : '');
      if (!token) {
        await audit(db, { actor: `tg:${who.actor.telegramUserId}`, action: 'scan.record', outcome: 'denied', details: { reason: 'malformed', via: 'miniapp' } });
        send(res, 200, { ok: false, text: t(who.locale, 'qr-scan-denied-malformed') });
        return;
      }
      try {
        const result = await recordScan(db, { actor: who.actor, token, via: 'miniapp', secret: deps.cardSecret, notifier: deps.notifier, now: deps.now(), digestSeconds: deps.arrivalDigestSeconds });
        await afterScan(deps, result, who.actor.telegramUserId);
        send(res, 200, { ok: result.ok, kind: result.ok ? result.kind : result.reason, text: scanResultText((key, vars) => t(who.locale, key, vars), who.locale, result) });
      } catch (err) {
        deps.log.error({ err: safeError(err) }, 'mini app scan failed');
        send(res, 500, { ok: false, text: t(who.locale, 'qr-scan-app-failed') });
      }
    },
  };

  return [page, hello, scan, khmerFontRoute(`${base}/khmer.ttf`)];
}

/**
 * The page: no text of its own (every word comes from /api/hello in the user's language), the
 * Noto Sans Khmer the phone has, Telegram's theme colours. A card the camera still sees is not
 * sent again for 3 s (the native scanner reports the same code many times a second).
 */
const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<script src="https://telegram.org/js/telegram-web-app.js"></script>
<style>
@font-face{font-family:"Noto Sans Khmer";src:url("__BASE__/khmer.ttf") format("truetype")}
body{font-family:"Noto Sans Khmer","Khmer OS",system-ui,sans-serif;margin:0;padding:16px;background:var(--tg-theme-bg-color,#fff);color:var(--tg-theme-text-color,#000)}
h1{font-size:20px;margin:0 0 12px}
button{font-family:inherit;width:100%;padding:14px;font-size:18px;border:0;border-radius:10px;background:var(--tg-theme-button-color,#2481cc);color:var(--tg-theme-button-text-color,#fff)}
ol{list-style:none;padding:0;margin:16px 0 0}li{padding:10px 0;border-bottom:1px solid rgba(127,127,127,.25);white-space:pre-line}
.bad{color:#c0392b}
</style></head>
<body><h1 id="title"></h1><button id="start" disabled>…</button><ol id="list"></ol><p id="empty"></p>
<script>
const tg = window.Telegram.WebApp; tg.ready(); tg.expand();
let texts = {}; const recent = new Map();
const post = (path, body) => fetch('__API__' + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(Object.assign({ initData: tg.initData }, body)) }).then(async (r) => Object.assign({ status: r.status }, await r.json()));
function show(text, bad) { const li = document.createElement('li'); li.textContent = text; if (bad) li.className = 'bad'; document.getElementById('list').prepend(li); document.getElementById('empty').textContent = ''; }
post('/hello', {}).then((r) => {
  if (r.status !== 200) { document.getElementById('title').textContent = r.text || ''; return; }
  texts = r; document.documentElement.lang = r.lang; document.title = r.title;
  document.getElementById('title').textContent = r.title; document.getElementById('empty').textContent = r.empty;
  const b = document.getElementById('start'); b.textContent = r.start; b.disabled = false;
  b.onclick = () => tg.showScanQrPopup({ text: r.hint }, (data) => {
    const last = recent.get(data); const now = Date.now();
    if (last && now - last < 3000) return; recent.set(data, now);
    post('/scan', { text: data }).then((s) => { show(s.text, !s.ok); tg.HapticFeedback && tg.HapticFeedback.notificationOccurred(s.ok ? 'success' : 'error'); })
      .catch(() => show(texts.failed, true));
  });
}).catch(() => {});
</script></body></html>`;
