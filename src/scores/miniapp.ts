/**
 * The score sheet Mini App, served by the bot's HTTP server beside the gate scanner (WEBAPP_URL's
 * folder + `/scores`). One row per student in roll order with a numeric keypad; what is typed is
 * kept as the draft (Postgres) while typing, so closing the app loses nothing; Check shows the
 * same preview as the typed list (count, mean, missing, row-numbered problems) and Save saves
 * exactly what was checked. Every request's `initData` is verified against the bot token; the
 * Telegram user in it is an ordinary actor whose classes and subjects are checked again.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadActor, type StaffMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import type { Locale } from '../core/db/schema.js';
import { formatNumber } from '../core/i18n/index.js';
import type { AppDeps } from '../core/telegram/context.js';
import type { HttpRoute } from '../core/telegram/webhook.js';
import { actorThroughBot, khmerFontRoute, miniAppBotsOf, readJson, sendJson as send, verifyInitData, type MiniAppBots } from '../core/telegram/webapp.js';
import { subjectIndex } from '../teaching/subjects.js';
import { assessmentLabel, score } from './labels.js';
import { enteredCells, loadDraft, planAssessment, rosterOf, saveDraft, targetsOf } from './service-entry.js';
import { confirmSheet, prepareSheet } from './service-save.js';

/** `/scan` → `/scores`: the sheet lives in the folder of the scanner's address. */
export function scoresPath(webAppPath: string): string {
  const folder = webAppPath.replace(/\/+$/, '').replace(/\/[^/]*$/, '');
  return `${folder}/scores`;
}

/** `bots`: the bot token, or a fleet's (core/telegram/fleet.ts fleetMiniAppBots): any of them may sign initData. */
export function scoresMiniAppRoutes(deps: AppDeps, bots: string | MiniAppBots, webAppPath: string): HttpRoute[] {
  const signers = miniAppBotsOf(bots);
  const base = scoresPath(webAppPath);
  const db = deps.database.db;
  const subjects = subjectIndex((locale, key) => deps.notifier.t(locale, key));
  const t = (locale: Locale, key: string, vars?: Record<string, string | number>) => deps.notifier.t(locale, key, vars);

  async function open(req: IncomingMessage, res: ServerResponse) {
    const body = await readJson(req);
    if (!body) return void send(res, 400, { error: 'bad-request' });
    const check = verifyInitData(typeof body.initData === 'string' ? body.initData : '', signers.tokens, Math.floor(deps.now().getTime() / 1000));
    if (!check.ok) {
      await audit(db, { actor: 'miniapp', action: 'scores.miniapp', outcome: 'denied', details: { reason: check.reason } });
      return void send(res, 401, { error: 'bad-init-data', text: t(deps.defaultLocale, 'scores-app-denied') });
    }
    // Only the schools of the bot the app was opened from (a fleet: each bot serves its schools).
    const actor = await actorThroughBot(await loadActor(db, check.userId), check.botId, signers);
    const locale = actor.locale ?? deps.defaultLocale;
    const teacher: StaffMembership | undefined = actor.staff.find((m) => m.roles.includes('teacher'));
    const ids = ['c', 's', 'a'].map((k) => Number(body[k]));
    if (!teacher || ids.some((n) => !Number.isSafeInteger(n) || n <= 0)) {
      await audit(db, { actor: actorOf(check.userId), action: 'scores.miniapp', outcome: 'denied', details: { reason: teacher ? 'bad-sheet' : 'not-teacher' } });
      return void send(res, 403, { error: 'denied', text: t(locale, 'scores-app-denied') });
    }
    const [classId, subjectId, assessmentId] = ids as [number, number, number];
    const target = (await targetsOf(db, teacher, subjects)).find((x) => x.classId === classId && x.subjectId === subjectId);
    const assessment = target ? await planAssessment(db, teacher.schoolId, assessmentId) : null;
    if (!target || !assessment) {
      await audit(db, { actor: actorOf(check.userId), schoolId: teacher.schoolId, action: 'scores.miniapp', outcome: 'denied', entity: 'class', entityId: classId, details: { reason: 'not-yours' } });
      return void send(res, 403, { error: 'denied', text: t(locale, 'scores-not-yours') });
    }
    return { body, locale, teacher, target, assessment, userId: check.userId };
  }

  const cellsOf = (body: Record<string, unknown>): Record<string, string> => {
    const raw = body.cells && typeof body.cells === 'object' ? (body.cells as Record<string, unknown>) : {};
    return Object.fromEntries(Object.entries(raw).filter(([k]) => /^\d{1,15}$/.test(k)).map(([k, v]) => [k, String(v ?? '').slice(0, 12)]));
  };

  const route = (name: string, handle: (who: NonNullable<Awaited<ReturnType<typeof open>>>, res: ServerResponse) => Promise<void>): HttpRoute => ({
    method: 'POST',
    path: `${base}/api/${name}`,
    handle: async (req, res) => {
      const who = await open(req, res);
      if (who) await handle(who, res);
    },
  });

  const sheet = route('sheet', async (who, res) => {
    const roster = await rosterOf(db, who.target.classId);
    const key = { staffId: who.teacher.staffId, classId: who.target.classId, subjectId: who.target.subjectId, assessmentId: who.assessment.id };
    const cells = (await loadDraft(db, key)) ?? (await enteredCells(db, key));
    const l = who.locale;
    await audit(db, { actor: actorOf(who.userId), schoolId: who.teacher.schoolId, action: 'scores.read', entity: 'class', entityId: who.target.classId, details: { what: 'miniapp-sheet', subjectId: who.target.subjectId, assessmentId: who.assessment.id } });
    send(res, 200, {
      lang: l,
      title: `${who.target.className} · ${l === 'en' ? who.target.subjectNameEn : who.target.subjectNameKm} · ${assessmentLabel(deps.notifier.t.bind(deps.notifier), l, who.assessment)}`,
      max: who.target.maxScore,
      maxText: t(l, 'scores-app-max', { max: formatNumber(l, who.target.maxScore) }),
      check: t(l, 'scores-app-check'),
      save: t(l, 'scores-app-save'),
      reasonLabel: t(l, 'scores-app-reason'),
      rows: roster.map((s) => ({ id: String(s.studentId), roll: s.rollNo, name: l === 'en' && s.nameEn ? s.nameEn : s.nameKm, value: cells[String(s.studentId)] ?? '' })),
    });
  });

  const draft = route('draft', async (who, res) => {
    const key = { staffId: who.teacher.staffId, classId: who.target.classId, subjectId: who.target.subjectId, assessmentId: who.assessment.id };
    await saveDraft(db, who.teacher.schoolId, key, cellsOf(who.body));
    send(res, 200, { ok: true });
  });

  const preview = route('preview', async (who, res) => {
    const roster = await rosterOf(db, who.target.classId);
    const cells = cellsOf(who.body);
    const p = await prepareSheet(deps.database, who.target, who.assessment, roster.map((s) => cells[String(s.studentId)] ?? ''));
    const l = who.locale;
    if (!p.ok) {
      const text =
        p.kind === 'count'
          ? t(l, 'scores-wrong-count', { expected: formatNumber(l, p.expected), got: formatNumber(l, p.got), class: who.target.className })
          : p.problems.map((x) => t(l, `scores-problem-${x.problem}`, { position: formatNumber(l, x.position), token: x.token, max: formatNumber(l, who.target.maxScore) })).join('\n');
      return void send(res, 200, { ok: false, text, rows: p.kind === 'cells' ? p.problems.map((x) => x.position) : [] });
    }
    send(res, 200, {
      ok: true,
      hash: p.hash,
      published: p.published,
      text: t(l, 'scores-app-preview', {
        count: formatNumber(l, p.preview.count),
        entered: formatNumber(l, p.preview.entered),
        absent: formatNumber(l, p.preview.absent),
        missing: formatNumber(l, p.preview.missing),
        mean: score(l, p.preview.mean),
      }),
    });
  });

  const save = route('save', async (who, res) => {
    const r = await confirmSheet(deps.database, deps.notifier, {
      staff: who.teacher,
      subjects,
      key: { classId: who.target.classId, subjectId: who.target.subjectId, assessmentId: who.assessment.id },
      hash: String(who.body.hash ?? ''),
      reason: typeof who.body.reason === 'string' && who.body.reason.trim() ? who.body.reason.trim().slice(0, 300) : null,
      via: 'miniapp',
      actor: actorOf(who.userId),
    });
    const l = who.locale;
    if (!r.ok) return void send(res, 200, { ok: false, reason: r.reason, text: t(l, `scores-confirm-${r.reason}`) });
    if (r.corrections) deps.kickOutbox();
    send(res, 200, { ok: true, text: t(l, r.corrections ? 'scores-saved-corrected' : 'scores-saved', { saved: formatNumber(l, r.saved), changed: formatNumber(l, r.changed), corrections: formatNumber(l, r.corrections) }) });
  });

  const page: HttpRoute = {
    method: 'GET',
    path: base,
    handle: (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }).end(PAGE_HTML.replaceAll('__API__', `${base}/api`).replaceAll('__BASE__', base));
    },
  };
  return [page, sheet, draft, preview, save, khmerFontRoute(`${base}/khmer.ttf`)];
}

/**
 * The page has no words of its own (they come from /api/sheet in the teacher's language). The
 * sheet's ids come from the page's query string (?c=&s=&a=), which the bot's button wrote.
 */
const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<script src="https://telegram.org/js/telegram-web-app.js"></script>
<style>
@font-face{font-family:"Noto Sans Khmer";src:url("__BASE__/khmer.ttf") format("truetype")}
body{font-family:"Noto Sans Khmer",system-ui,sans-serif;margin:0;padding:12px;background:var(--tg-theme-bg-color,#fff);color:var(--tg-theme-text-color,#000)}
h1{font-size:18px;margin:0 0 4px}small{opacity:.7}
table{width:100%;border-collapse:collapse;margin:8px 0}td{padding:4px;border-bottom:1px solid rgba(127,127,127,.25)}
td.r{width:2.5em;opacity:.7}input.v{width:5em;font-size:18px;padding:6px;text-align:right}
tr.bad input{outline:2px solid #c0392b}
button{font-family:inherit;width:100%;padding:12px;margin:4px 0;font-size:17px;border:0;border-radius:10px;background:var(--tg-theme-button-color,#2481cc);color:var(--tg-theme-button-text-color,#fff)}
#out{white-space:pre-line;margin:8px 0}#reason{width:100%;font-size:16px;padding:6px;display:none}
</style></head>
<body><h1 id="title"></h1><small id="max"></small>
<table id="rows"></table>
<input id="reason"><div id="out"></div>
<button id="check" disabled>…</button><button id="save" disabled style="display:none">…</button>
<script>
const tg = window.Telegram ? window.Telegram.WebApp : { initData: '', ready() {}, expand() {} };
tg.ready(); tg.expand();
const q = new URLSearchParams(location.search); const ids = { c: q.get('c'), s: q.get('s'), a: q.get('a') };
const post = (path, body) => fetch('__API__' + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(Object.assign({ initData: tg.initData }, ids, body)) }).then(async (r) => Object.assign({ status: r.status }, await r.json()));
let hash = null; let timer = null;
const cells = () => Object.fromEntries([...document.querySelectorAll('input.v')].map((i) => [i.dataset.id, i.value]));
const out = (t) => { document.getElementById('out').textContent = t; };
function typed() { hash = null; document.getElementById('save').style.display = 'none'; clearTimeout(timer); timer = setTimeout(() => post('/draft', { cells: cells() }), 600); }
post('/sheet', {}).then((r) => {
  if (r.status !== 200) { document.getElementById('title').textContent = r.text || ''; return; }
  document.documentElement.lang = r.lang; document.getElementById('title').textContent = r.title; document.getElementById('max').textContent = r.maxText;
  document.getElementById('reason').placeholder = r.reasonLabel;
  const table = document.getElementById('rows');
  for (const row of r.rows) {
    const tr = document.createElement('tr'); tr.dataset.id = row.id;
    tr.innerHTML = '<td class="r"></td><td class="n"></td><td><input class="v" inputmode="decimal" autocomplete="off"></td>';
    tr.children[0].textContent = row.roll ?? ''; tr.children[1].textContent = row.name;
    const input = tr.querySelector('input'); input.value = row.value; input.dataset.id = row.id; input.oninput = typed;
    table.appendChild(tr);
  }
  const c = document.getElementById('check'); c.textContent = r.check; c.disabled = false;
  const s = document.getElementById('save'); s.textContent = r.save; s.disabled = false;
  c.onclick = () => post('/preview', { cells: cells() }).then((p) => {
    document.querySelectorAll('tr').forEach((tr, i) => tr.classList.toggle('bad', (p.rows || []).includes(i + 1)));
    out(p.text); hash = p.ok ? p.hash : null; s.style.display = p.ok ? 'block' : 'none';
    document.getElementById('reason').style.display = p.ok && p.published ? 'block' : 'none';
  });
  s.onclick = () => { if (!hash) return; post('/save', { hash, reason: document.getElementById('reason').value }).then((v) => { out(v.text); if (v.ok) { s.style.display = 'none'; hash = null; } }); };
}).catch(() => {});
</script></body></html>`;
