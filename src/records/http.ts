/**
 * Public pages on the bot's HTTP server: `/verify/<code>` (an HTML page in Khmer and English, or
 * JSON with `Accept: application/json` or `/verify/<code>.json`) and `/keys` (every signer's
 * public key). Anyone may ask; they get only what the certified copy itself shows. Unknown codes
 * are rate-limited per address.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { audit } from '../core/auth/audit.js';
import { formatNumber, localDigits } from '../core/i18n/index.js';
import { escapeMarkup } from '../core/render/fonts.js';
import { sendJson } from '../core/telegram/webapp.js';
import type { AppDeps } from '../core/telegram/context.js';
import type { HttpRoute } from '../core/telegram/webhook.js';
import { GUESSES, guessLimiter } from './guesses.js';
import { publishedKeys } from './service-keys.js';
import { normaliseCode, verifyCode, type VerifyResult } from './service-copies.js';
import { termText } from './term.js';

export function recordsRoutes(deps: AppDeps): HttpRoute[] {
  const db = deps.database.db;
  const limiter = guessLimiter(GUESSES);
  const t = deps.notifier.t;

  const verify: HttpRoute = {
    method: 'GET',
    path: '/verify',
    prefix: true,
    handle: async (req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? '').split('?')[0]!;
      let raw = decodeURIComponent(path.slice('/verify/'.length));
      const wantsJson = raw.endsWith('.json') || (req.headers.accept ?? '').includes('application/json');
      raw = raw.replace(/\.json$/, '');
      const who = `ip:${req.socket.remoteAddress ?? '?'}`;
      const now = deps.now().getTime();
      if (limiter.blocked(who, now)) {
        await audit(db, { actor: 'web', action: 'records.verify', outcome: 'denied', details: { reason: 'rate-limited' } });
        if (wantsJson) sendJson(res, 429, { status: 'rate-limited' });
        else res.writeHead(429, { 'content-type': 'text/html; charset=utf-8' }).end(page((['km', 'en'] as const).map((locale) => t(locale, 'records-verify-limited'))));
        return;
      }
      const code = normaliseCode(raw);
      const result: VerifyResult = code ? await verifyCode(db, code) : { status: 'unknown' };
      if (result.status === 'unknown') {
        limiter.miss(who, now);
        await audit(db, { actor: 'web', action: 'records.verify', outcome: 'denied', details: { reason: 'unknown' } });
      }
      if (wantsJson) {
        sendJson(res, result.status === 'unknown' ? 404 : 200, result);
        return;
      }
      res.writeHead(result.status === 'unknown' ? 404 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page(verifyLines(result, t)));
    },
  };

  const keys: HttpRoute = {
    method: 'GET',
    path: '/keys',
    handle: async (_req, res) => {
      sendJson(res, 200, { algorithm: 'Ed25519', keyIdIs: 'first 16 hex digits of SHA-256 of the raw public key', keys: await publishedKeys(db) });
    },
  };
  return [verify, keys];
}

type T = AppDeps['notifier']['t'];

/** The page's lines, Khmer then English. */
export function verifyLines(result: VerifyResult, t: T): string[] {
  const lines: string[] = [];
  for (const l of ['km', 'en'] as const) {
    lines.push(`<h2>${escapeMarkup(t(l, `records-verify-${result.status}`))}</h2>`);
    const r = result.record;
    if (!r) continue;
    // the reader's digits: Khmer digits in the Khmer half of the page
    const term = termText(l, r.term, (key) => t(l, key));
    lines.push(`<p>${escapeMarkup(t(l, 'records-verify-what', { school: r.school, student: r.student, code: r.studentCode, year: localDigits(l, r.year), term, version: formatNumber(l, r.version) }))}</p>`);
    lines.push('<ul>' + r.signatures.map((s) => `<li>${escapeMarkup(`${t(l, `records-role-${s.role}`)}${s.role === 'teacher' ? ` (${s.scope})` : ''}: ${s.signer} — ${localDigits(l, s.signedAt.slice(0, 16).replace('T', ' '))} UTC`)}</li>`).join('') + '</ul>');
  }
  if (result.record) lines.push(`<p class="hash">SHA-256 ${escapeMarkup(result.record.hash)}</p>`);
  return lines;
}

function page(lines: string[]): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>SIS — verify</title><style>body{font-family:'Noto Sans Khmer',system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.6}.hash{font-family:monospace;font-size:.8rem;word-break:break-all;color:#555}</style></head><body>${lines.join('\n')}</body></html>`;
}
