/**
 * The office's record commands:
 * - `/copy STUDENT [term] family|school|board|other [recipient…]` (principal, operator): a
 *   certified copy of the student's locked record, logged (who, when, for whom), sent as the PDF
 *   to the one who asked and, for a family, to the child's guardians on Telegram;
 * - `/unlock CODE|STUDENT [term] reason…` (the issuing school's principal): a new version from
 *   the current published results, to be signed again; the old one is superseded;
 * - `/revoke CODE|STUDENT [term] reason…` (the principal): the record is withdrawn;
 * - `/idcode STUDENT CODE` sets a student's identification code; `/idcode [class]` lists who
 *   still has none, by name.
 * Each names the exact record in its text (no button to replay); the services check role and
 * school, and a repeated command finds nothing left to change.
 */
import { Composer } from 'grammy';
import { actorOf, audit } from '../core/auth/audit.js';
import type { StaffRole } from '../core/auth/roles.js';
import { asciiDigits, formatNumber } from '../core/i18n/index.js';
import type { AppDeps, BotContext } from '../core/telegram/context.js';
import { issueCopy, normaliseCode } from './service-copies.js';
import { missingIdCodes, setIdCode } from './service-idcodes.js';
import { revokeOne, unlockOne, type RecordRef } from './service-unlock.js';
import { latestPublishedTerm, parseRecordTerm, scoresRecordSource } from './source-scores.js';
import { latestTerm } from './service-sign.js';
import { termText } from './term.js';

const RECIPIENTS: Record<string, 'family' | 'school' | 'board' | 'other'> = {
  family: 'family',
  parent: 'family',
  parents: 'family',
  គ្រួសារ: 'family',
  ឪពុកម្តាយ: 'family',
  school: 'school',
  សាលា: 'school',
  board: 'board',
  exam: 'board',
  ក្រុមប្រឹក្សា: 'board',
  other: 'other',
  ផ្សេង: 'other',
};

function membership(ctx: BotContext, roles: StaffRole[]) {
  return ctx.actor.staff.find((s) => s.roles.some((r) => roles.includes(r)));
}

export function recordsOfficeFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;
  const source = scoresRecordSource(deps.database);
  // read when a copy is issued (the address is the deployment's, set once at start-up)
  const base = () => (deps.publicUrl ?? (deps.webAppUrl ? new URL(deps.webAppUrl).origin : 'http://localhost:8080')).replace(/\/+$/, '');
  const n = (ctx: BotContext, v: number) => formatNumber(ctx.locale, v);
  const termOf = (ctx: BotContext, term: string) => termText(ctx.locale, term, (key) => ctx.t(key));
  const denied = async (ctx: BotContext, action: string) => {
    await audit(db, { actor: actorOf(ctx.from!.id), action, outcome: 'denied', details: { reason: 'role' } });
    await ctx.reply(ctx.t('records-office-only'));
  };

  /** `[term]` after the student code: typed, or the term most recently published */
  async function termAt(schoolId: number, words: string[]): Promise<string | null> {
    const typed = words[0] ? parseRecordTerm(asciiDigits(words[0])) : null;
    if (typed) {
      words.shift();
      return typed;
    }
    return (await latestPublishedTerm(deps.database, schoolId)) ?? (await latestTerm(db, schoolId));
  }

  composer.command('copy', async (ctx) => {
    const m = membership(ctx, ['principal', 'operator']);
    if (!m) return denied(ctx, 'records.copy');
    const words = ctx.match.trim().split(/\s+/).filter(Boolean);
    const studentCode = words.shift();
    if (!studentCode) return void (await ctx.reply(ctx.t('records-copy-usage')));
    const term = await termAt(m.schoolId, words);
    const kind = RECIPIENTS[(words.shift() ?? '').toLowerCase()];
    if (!term || !kind) return void (await ctx.reply(ctx.t('records-copy-usage')));
    const recipient = words.join(' ').slice(0, 150);
    const r = await issueCopy(
      db,
      { schoolId: m.schoolId, actor: actorOf(ctx.from!.id), office: true },
      { studentCode, term, issuedFor: recipient ? `${kind}: ${recipient}` : kind },
      {
        chatId: ctx.chat!.id,
        locale: ctx.locale,
        toFamily: kind === 'family',
        verifyUrl: (code) => `${base()}/verify/${code}`,
        caption: (locale, code) => deps.notifier.t(locale, 'records-copy-caption', { code }),
      },
    );
    if (!r.ok) return void (await ctx.reply(ctx.t(`records-copy-refused-${r.reason}`, { student: studentCode, term: termOf(ctx, term) })));
    deps.kickOutbox();
    await ctx.reply(ctx.t('records-copy-issued-reply', { code: r.code, student: studentCode, term: termOf(ctx, term), whom: ctx.t(`records-for-${kind}`), count: n(ctx, r.messages) }));
  });

  /** The words read as `CODE reason…` (a copy's code) and as `STUDENT [term] reason…`, in that order. */
  async function readings(schoolId: number, text: string): Promise<Array<{ ref: RecordRef; reason: string }>> {
    const words = text.trim().split(/\s+/).filter(Boolean);
    const first = words.shift();
    if (!first) return [];
    const out: Array<{ ref: RecordRef; reason: string }> = [];
    const code = normaliseCode(asciiDigits(first));
    if (code) out.push({ ref: { code }, reason: words.join(' ') });
    const term = await termAt(schoolId, words);
    if (term) out.push({ ref: { studentCode: first, term }, reason: words.join(' ') });
    return out;
  }

  for (const action of ['unlock', 'revoke'] as const) {
    composer.command(action, async (ctx) => {
      const m = membership(ctx, ['principal', 'operator', 'teacher']);
      if (!m) return denied(ctx, `records.${action}`);
      const who = { schoolId: m.schoolId, actor: actorOf(ctx.from!.id), isPrincipal: m.roles.includes('principal') };
      const list = await readings(m.schoolId, ctx.match);
      if (list.length === 0) return void (await ctx.reply(ctx.t(`records-${action}-usage`)));
      let r: Awaited<ReturnType<typeof unlockOne>> | Awaited<ReturnType<typeof revokeOne>> = { ok: false, reason: 'not-found' };
      for (const input of list) {
        r = action === 'unlock' ? await unlockOne(db, source, who, input) : await revokeOne(db, who, input);
        if (r.ok || r.reason !== 'not-found') break;
      }
      if (!r.ok) return void (await ctx.reply(ctx.t(`records-${action}-refused-${r.reason}`)));
      await ctx.reply(
        'version' in r && typeof r.version === 'number'
          ? ctx.t('records-unlocked', { student: r.studentCode, term: termOf(ctx, r.term), version: n(ctx, r.version) })
          : ctx.t('records-revoked', { student: r.studentCode, term: termOf(ctx, r.term) }),
      );
    });
  }

  composer.command('idcode', async (ctx) => {
    const m = membership(ctx, ['principal', 'operator']);
    if (!m) return denied(ctx, 'records.idcode');
    const [first, second, ...rest] = ctx.match.trim().split(/\s+/).filter(Boolean);
    if (first && second && rest.length === 0) {
      const r = await setIdCode(db, { schoolId: m.schoolId, actor: actorOf(ctx.from!.id), office: true }, { studentCode: first, idCode: asciiDigits(second) });
      if (!r.ok) return void (await ctx.reply(ctx.t(`records-idcode-refused-${r.reason}`, { student: first })));
      return void (await ctx.reply(ctx.t(r.changed ? 'records-idcode-set' : 'records-idcode-same', { student: first, name: r.name, code: asciiDigits(second).toUpperCase() })));
    }
    if (rest.length > 0) return void (await ctx.reply(ctx.t('records-idcode-usage')));
    // /idcode or /idcode 7A: who has none yet (a staff read of children's names: audited)
    const list = await missingIdCodes(db, m.schoolId, first);
    await audit(db, { actor: actorOf(ctx.from!.id), schoolId: m.schoolId, action: 'records.idcode.list', details: { classes: list.length } });
    if (list.length === 0) return void (await ctx.reply(ctx.t('records-idcode-none-missing')));
    const lines = [ctx.t('records-idcode-missing-title')];
    for (const c of list) lines.push(`${c.className} (${n(ctx, c.students.length)}): ${c.students.slice(0, 30).map((s) => `${s.name} ${s.code}`).join(', ')}`);
    lines.push('', ctx.t('records-idcode-usage'));
    await ctx.reply(lines.join('\n').slice(0, 4000));
  });

  return composer;
}
