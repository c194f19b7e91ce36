/** `scanning` (gate scanning settings) and `cards` (student cards made offline). */
import { schoolBotUsername } from '../core/telegram/fleet.js';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { CliUsageError, requireOption, type CliCommand } from '../core/cli.js';
import { audit } from '../core/auth/audit.js';
import { classes } from '../core/db/schema.js';
import { currentYearOf } from '../core/db/years.js';
import { displayName, formatNumber } from '../core/i18n/index.js';
import { getSchool } from '../schools/service.js';
import { cardsFor, type CardData } from './cards.js';
import { renderCardPng, renderClassSheetPdf } from './render.js';
import { cardSecret } from './secret.js';
import { getScanSettings, HHMM, ScanSettingsError, setScanSettings, type ScanSettingsChange, type ScanSettingsView } from './settings.js';

/** A file name from a student code or class name (codes are the school's own text). */
function safeFileName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, 80) || '_';
}

export const cardsCli: CliCommand = {
  name: 'cards',
  usage: '--school CODE [--class 7A] --out DIR',
  summary:
    'student cards: one PNG per student (file name: the student code) and one printable A4 PDF per class;\nneeds BOT_USERNAME, and CARD_SECRET or BOT_TOKEN as the bot has them (they sign the QR codes)',
  options: { school: { type: 'string' }, class: { type: 'string' }, out: { type: 'string' } },
  async run(ctx, { values }) {
    const opts = { school: requireOption(values, 'school'), class: values.class as string | undefined, out: requireOption(values, 'out') };
    // Cards printed here must verify in the bot: the same key (CARD_SECRET, or the one derived from
    // the bot's token) and the same bot name in the link. A placeholder token would print cards
    // the bot refuses.
    if (!ctx.config.CARD_SECRET && !ctx.env.BOT_TOKEN?.trim()) {
      throw new CliUsageError('cards are signed with CARD_SECRET (or, when it is unset, a key derived from BOT_TOKEN): set CARD_SECRET (recommended) or BOT_TOKEN exactly as the bot has them');
    }
    const { db } = ctx.database;
    const school = await getSchool(db, opts.school);
    if (!school) throw new CliUsageError(`no school with code ${opts.school}`);
    // the school's bot of the fleet, else the default bot
    const botUsername = (await schoolBotUsername(db, school.id)) ?? ctx.config.BOT_USERNAME?.replace(/^@/, '');
    if (!botUsername) throw new CliUsageError("set BOT_USERNAME (the bot's username without @): every card's QR code is a t.me link to the bot");
    let classId: number | undefined;
    if (opts.class) {
      const name = opts.class.replace(/\s+/g, '').toUpperCase();
      const [row] = await db
        .select({ id: classes.id })
        .from(classes)
        .innerJoin(...currentYearOf(classes))
        .where(and(eq(classes.schoolId, school.id), eq(classes.name, name)));
      if (!row) throw new CliUsageError(`no class ${name} this year at ${school.code}`);
      classId = row.id;
    }
    const secret = cardSecret({ CARD_SECRET: ctx.config.CARD_SECRET, BOT_TOKEN: ctx.env.BOT_TOKEN?.trim() ?? '' });
    const cards = await cardsFor(db, { schoolId: school.id, classId, issuedBy: 'cli' }, secret, botUsername);
    if (cards.length === 0) {
      ctx.out.error(`No active students${opts.class ? ` in class ${opts.class}` : ''} at ${school.code}: no cards made.`);
      return false;
    }
    await mkdir(opts.out, { recursive: true });
    const byClass = new Map<number, { cards: CardData[]; pngs: Buffer[] }>();
    for (const card of cards) {
      const png = await renderCardPng(card);
      await writeFile(path.join(opts.out, `${safeFileName(card.studentCode)}.png`), png);
      const group = byClass.get(card.classId) ?? byClass.set(card.classId, { cards: [], pngs: [] }).get(card.classId)!;
      group.cards.push(card);
      group.pngs.push(png);
    }
    const schoolName = displayName(ctx.locale, school);
    for (const group of byClass.values()) {
      const className = group.cards[0]!.className;
      const title = ctx.notifier.t(ctx.locale, 'qr-sheet-title', { school: schoolName, class: className });
      const pdf = await renderClassSheetPdf(group.cards, title, { cardPngs: group.pngs, pageLabel: (page, pages) => `${formatNumber(ctx.locale, page)}/${formatNumber(ctx.locale, pages)}` });
      await writeFile(path.join(opts.out, `${safeFileName(className)}.pdf`), pdf);
      ctx.out.line(`${className}: ${group.cards.length} cards → ${safeFileName(className)}.pdf`);
    }
    await audit(db, { actor: 'cli', schoolId: school.id, action: 'card.export', entity: classId ? 'class' : 'school', entityId: classId ?? school.id, details: { students: cards.length, classes: byClass.size } });
    ctx.out.line(`${cards.length} student cards (PNG) and ${byClass.size} class sheet(s) (PDF, A4, print at 100 %) written to ${opts.out}`);
    return true;
  },
};

export const scanningCli: CliCommand = {
  name: 'scanning',
  usage: '--school CODE [--on | --off] [--mode confirm|immediate] [--late-morning HH:MM]\n       [--late-afternoon HH:MM] [--cutoff-morning HH:MM] [--cutoff-afternoon HH:MM] [--cooldown MINUTES]',
  summary: 'gate scanning: late time, cutoff and how families are told',
  options: {
    school: { type: 'string' },
    on: { type: 'boolean' },
    off: { type: 'boolean' },
    mode: { type: 'string' },
    'late-morning': { type: 'string' },
    'late-afternoon': { type: 'string' },
    'cutoff-morning': { type: 'string' },
    'cutoff-afternoon': { type: 'string' },
    cooldown: { type: 'string' },
  },
  async run(ctx, { values: v }) {
    const { db } = ctx.database;
    const schoolCode = requireOption(v, 'school');
    const school = await getSchool(db, schoolCode);
    if (!school) throw new CliUsageError(`no school with code ${schoolCode}`);
    if (v.on && v.off) throw new CliUsageError('--on or --off, not both');
    if (v.mode !== undefined && v.mode !== 'confirm' && v.mode !== 'immediate') throw new CliUsageError('--mode takes confirm or immediate');
    const times = (kind: 'late' | 'cutoff') => {
      const out: Partial<Record<'morning' | 'afternoon', string>> = {};
      for (const shift of ['morning', 'afternoon'] as const) {
        const x = v[`${kind}-${shift}`];
        if (typeof x === 'string') {
          if (!HHMM.test(x)) throw new CliUsageError(`--${kind}-${shift} takes HH:MM`);
          out[shift] = x;
        }
      }
      return out;
    };
    let cooldownSeconds: number | undefined;
    if (typeof v.cooldown === 'string') {
      if (!/^\d{1,3}$/.test(v.cooldown)) throw new CliUsageError('--cooldown takes minutes, e.g. 5');
      cooldownSeconds = Number(v.cooldown) * 60;
    }
    const change: ScanSettingsChange = {
      ...(v.on ? { enabled: true } : v.off ? { enabled: false } : {}),
      ...(typeof v.mode === 'string' ? { alertMode: v.mode as 'confirm' | 'immediate' } : {}),
      lateAfter: times('late'),
      cutoffAt: times('cutoff'),
      ...(cooldownSeconds !== undefined ? { cooldownSeconds } : {}),
    };
    const changing = v.on || v.off || v.mode || cooldownSeconds !== undefined || Object.keys(change.lateAfter!).length + Object.keys(change.cutoffAt!).length > 0;
    let view: ScanSettingsView;
    try {
      view = changing ? await setScanSettings(db, school.id, change, 'cli') : await getScanSettings(db, school.id);
    } catch (err) {
      if (err instanceof ScanSettingsError) throw new CliUsageError(err.message);
      throw err;
    }
    if (changing && !(await ctx.syncSchool(school.id))) {
      ctx.out.line('(Redis not reachable: the worker picks up the cutoff times at its next start or within the hour)');
    }
    ctx.out.line(
      `${school.code}: scanning ${view.enabled ? 'on' : 'off'}; ${view.alertMode === 'immediate' ? 'families told at cutoff' : 'teacher confirms first'}; ` +
        `morning late after ${view.shifts.morning.lateAfter}, cutoff ${view.shifts.morning.cutoffAt}; ` +
        `afternoon late after ${view.shifts.afternoon.lateAfter}, cutoff ${view.shifts.afternoon.cutoffAt}; repeat scans ignored for ${view.cooldownSeconds / 60} min (${school.timezone})`,
    );
    return true;
  },
};
