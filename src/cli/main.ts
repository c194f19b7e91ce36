/**
 * Admin CLI for the server: `npm run cli -- <command> ...`. Each command calls the same services
 * the bot calls. Exit code 0 on success, 1 when the input was refused (with every reason), 2 on
 * wrong usage.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { and, asc, eq, sql } from 'drizzle-orm';
import { ConfigError, loadConfigWithoutBot, type Config } from '../config.js';
import { createNotifier, openAppDatabase } from '../app.js';
import type { Database } from '../core/db/client.js';
import { classes, officials, provinces, staff, students, type Locale } from '../core/db/schema.js';
import { normalizePhone } from '../roster/phone.js';
import { audit } from '../core/auth/audit.js';
import { isLocale } from '../core/i18n/index.js';
import { createInvite, deepLink, INVITE_KINDS, type InviteKind } from '../onboarding/invites.js';
import { rosterErrorText } from '../roster/parse.js';
import { DEMO_FIXTURES, DEMO_SCHOOL, loadDemoSchool } from '../roster/demo.js';
import { importStaff, importStudents, UnknownSchoolError, type ImportResult, type Notifier } from '../roster/service.js';
import { addSchool, getSchool, SchoolInputError } from '../schools/service.js';
import { getSettings, setCalendarDay, setSettings, upcomingHolidays } from '../attendance/service.js';
import { syncSchoolSchedules } from '../attendance/jobs.js';
import { getScanSettings, ScanSettingsError, setScanSettings, type ScanSettingsChange, type ScanSettingsView } from '../qr/settings.js';
import { syncSchoolScanSchedules } from '../qr/scan-jobs.js';
import { isRealDay } from '../core/clock.js';
import { cardsFor, type CardData } from '../qr/cards.js';
import { renderCardPng, renderClassSheetPdf } from '../qr/render.js';
import { cardSecret } from '../qr/secret.js';
import { addClassTeacher, listClassTeachers, removeClassTeacher } from '../questions/teaching.js';
import { getQuestionRules, setQuestionRules } from '../questions/service.js';

const USAGE = `Usage: npm run cli -- <command> [options]

  migrate                                   apply database migrations
  school add --code CODE --name-km NAME --name-en NAME --province CODE [--timezone TZ]
  roster import --school CODE FILE.csv|FILE.xlsx      students, classes and guardians
  staff import --school CODE FILE.csv|FILE.xlsx       staff, roles and homeroom classes
  invite --school CODE --role principal|operator|teacher|gatekeeper|parent
         [--student CODE | --class 7A] [--staff CODE] [--days N]
  calendar --school CODE [--holiday DATE [--note TEXT]] [--school-day DATE] [--normal DATE]
         [--week-days 1,2,3,4,5,6] [--remind-morning HH:MM] [--remind-afternoon HH:MM]
                                            holidays, school week and reminder times
  official add --phone PHONE --name NAME [--province CODE]
                                            a provincial director (or, without --province, a
                                            national administrator); linked when they share PHONE
  demo [--fixtures DIR]                     load the sample school (code DEMO-001)
  scanning --school CODE [--on | --off] [--mode confirm|immediate] [--late-morning HH:MM]
         [--late-afternoon HH:MM] [--cutoff-morning HH:MM] [--cutoff-afternoon HH:MM] [--cooldown MINUTES]
                                            gate scanning: late time, cutoff and how families are told
  cards --school CODE [--class 7A] --out DIR
                                            student cards: one PNG per student (file name: the
                                            student code) and one printable A4 PDF per class;
                                            needs BOT_USERNAME, and CARD_SECRET or BOT_TOKEN as
                                            the bot has them (they sign the QR codes)
  teach --school CODE --class 7A [--staff CODE [--subject NAME] [--remove]]
                                            subject teachers of a class (parents may write to
                                            them); without --staff, lists the class's teachers
  questions --school CODE [--within HOURS] [--per-hour N] [--per-day N]
                                            parents' questions: hours before an unanswered one
                                            goes to the principal, and questions per parent

Options for every command: --lang km|en (language of messages; default DEFAULT_LOCALE)
Database: DATABASE_URL, or embedded PGlite in PGLITE_DIR when unset (stop the bot first).`;

class UsageError extends Error {}

interface Out {
  line(s?: string): void;
  error(s: string): void;
}

export interface CliContext {
  config: Config;
  database: Database;
  notifier: Notifier;
  locale: Locale;
  out: Out;
}

// The sample school ships with the repository (a copy of ../shared/fixtures), so the demo works on
// any fresh checkout.
export const DEFAULT_FIXTURES = DEMO_FIXTURES;

function printImport(ctx: CliContext, result: ImportResult<object>, file: string): boolean {
  if (!result.ok) {
    ctx.out.error(`${path.basename(file)}: ${result.errors.length} problem(s), nothing was imported:`);
    for (const e of result.errors) {
      const { key, args } = rosterErrorText(e);
      ctx.out.error(`  ${ctx.notifier.t(ctx.locale, key, args)}`);
    }
    return false;
  }
  ctx.out.line(`${path.basename(file)}: imported.`);
  ctx.out.line(JSON.stringify(result.summary, null, 2));
  return true;
}

async function cmdRosterImport(ctx: CliContext, kind: 'roster' | 'staff', school: string, file: string): Promise<boolean> {
  const bytes = await readFile(file).catch(() => {
    throw new UsageError(`cannot read ${file}`);
  });
  const input = { schoolCode: school, file: { name: path.basename(file), bytes }, actor: 'cli', notifier: ctx.notifier };
  const result = kind === 'roster' ? await importStudents(ctx.database.db, input) : await importStaff(ctx.database.db, input);
  return printImport(ctx, result, file);
}

async function cmdInvite(
  ctx: CliContext,
  opts: { school: string; role: string; student?: string; class?: string; staff?: string; days?: string },
): Promise<boolean> {
  const { db } = ctx.database;
  const school = await getSchool(db, opts.school);
  if (!school) throw new UsageError(`no school with code ${opts.school}`);
  const kind = INVITE_KINDS.find((k) => k === opts.role) as InviteKind | undefined;
  if (!kind) throw new UsageError(`--role must be one of ${INVITE_KINDS.join(', ')}`);
  const ttlDays = opts.days ? Number(opts.days) : undefined;
  if (ttlDays !== undefined && !(Number.isInteger(ttlDays) && ttlDays > 0 && ttlDays <= 365)) throw new UsageError('--days must be 1-365');
  const link = (code: string) => deepLink(ctx.config.BOT_USERNAME, code);

  if (kind === 'parent') {
    let targets: Array<{ id: number; code: string; nameKm: string; className: string | null }>;
    if (opts.student) {
      targets = await db
        .select({ id: students.id, code: students.studentCode, nameKm: students.nameKm, className: classes.name })
        .from(students)
        .leftJoin(classes, eq(classes.id, students.classId))
        .where(and(eq(students.schoolId, school.id), eq(students.studentCode, opts.student)));
      if (targets.length === 0) throw new UsageError(`no student ${opts.student} at ${opts.school}`);
    } else if (opts.class) {
      targets = await db
        .select({ id: students.id, code: students.studentCode, nameKm: students.nameKm, className: classes.name })
        .from(students)
        .innerJoin(classes, eq(classes.id, students.classId))
        .where(and(eq(students.schoolId, school.id), eq(classes.name, opts.class.toUpperCase()), eq(students.active, true)))
        .orderBy(asc(students.rollNo));
      if (targets.length === 0) throw new UsageError(`no students in class ${opts.class} at ${opts.school}`);
    } else {
      throw new UsageError('a parent invite needs --student CODE or --class NAME');
    }
    ctx.out.line('student_code\tclass\tname_km\tcode\tlink\texpires');
    for (const t of targets) {
      const inv = await createInvite(db, { schoolId: school.id, kind, studentId: t.id, createdBy: 'cli', ttlDays });
      ctx.out.line([t.code, t.className ?? '', t.nameKm, inv.code, link(inv.code), inv.expiresAt.toISOString().slice(0, 10)].join('\t'));
    }
  } else {
    let staffId: number | undefined;
    if (opts.staff) {
      const [row] = await db.select({ id: staff.id }).from(staff).where(and(eq(staff.schoolId, school.id), eq(staff.staffCode, opts.staff)));
      if (!row) throw new UsageError(`no staff ${opts.staff} at ${opts.school}`);
      staffId = row.id;
    }
    const inv = await createInvite(db, { schoolId: school.id, kind, staffId, createdBy: 'cli', ttlDays });
    ctx.out.line(`${kind} invite for ${school.code} (single use, until ${inv.expiresAt.toISOString().slice(0, 10)}):`);
    ctx.out.line(`  link: ${link(inv.code)}`);
    ctx.out.line(`  code: ${inv.code}`);
  }
  if (!ctx.config.BOT_USERNAME) ctx.out.line('(set BOT_USERNAME to print complete t.me links)');
  return true;
}

async function cmdTeach(ctx: CliContext, schoolCode: string, v: { class?: string; staff?: string; subject?: string; remove?: boolean }): Promise<boolean> {
  const { db } = ctx.database;
  const school = await getSchool(db, schoolCode);
  if (!school) throw new UsageError(`no school with code ${schoolCode}`);
  if (!v.class) throw new UsageError('--class is required');
  if (v.staff) {
    const r = v.remove
      ? await removeClassTeacher(db, { schoolId: school.id, className: v.class, staffCode: v.staff, actor: 'cli' })
      : await addClassTeacher(db, { schoolId: school.id, className: v.class, staffCode: v.staff, subject: v.subject, actor: 'cli' });
    if (!r.ok) {
      ctx.out.error(r.reason === 'unknown-class' ? `no class ${v.class} at ${schoolCode} this year` : `no active staff ${v.staff} at ${schoolCode}`);
      return false;
    }
  } else if (v.remove) throw new UsageError('--remove needs --staff');
  const list = await listClassTeachers(db, school.id, v.class);
  if (!list) {
    ctx.out.error(`no class ${v.class} at ${schoolCode} this year`);
    return false;
  }
  ctx.out.line(`Class ${list.className}:`);
  for (const t of list.teachers) ctx.out.line(`  ${t.staffCode}\t${t.homeroom ? 'homeroom' : t.subject || 'subject teacher'}\t${t.nameKm}${t.linked ? '' : '\t(not on Telegram)'}`);
  if (list.teachers.length === 0) ctx.out.line('  (none)');
  return true;
}

async function cmdQuestions(ctx: CliContext, schoolCode: string, v: Record<string, string | boolean | undefined>): Promise<boolean> {
  const { db } = ctx.database;
  const school = await getSchool(db, schoolCode);
  if (!school) throw new UsageError(`no school with code ${schoolCode}`);
  const number = (name: string, max: number) => {
    const x = v[name];
    if (typeof x !== 'string') return undefined;
    const n = Number(x);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} takes a whole number 1-${max}`);
    return n;
  };
  const changes = { answerWithinHours: number('within', 168), maxPerHour: number('per-hour', 100), maxPerDay: number('per-day', 500) };
  const rules = Object.values(changes).some((x) => x !== undefined)
    ? await setQuestionRules(db, { schoolId: school.id, ...changes, actor: 'cli' })
    : await getQuestionRules(db, school.id);
  ctx.out.line(`${school.code}: unanswered questions go to the principal after ${rules.answerWithinHours} h; each parent may send ${rules.maxPerHour} per hour, ${rules.maxPerDay} per day`);
  return true;
}

async function cmdDemo(ctx: CliContext, fixtures: string): Promise<boolean> {
  const loaded = await loadDemoSchool(ctx.database.db, { fixtures, notifier: ctx.notifier });
  ctx.out.line(`School ${DEMO_SCHOOL.code} is ready.`);
  if (!printImport(ctx, loaded.students, path.join(fixtures, 'students.csv'))) return false;
  if (!loaded.staff || !printImport(ctx, loaded.staff, path.join(fixtures, 'staff.csv'))) return false;
  ctx.out.line('');
  ctx.out.line('Try it: open the bot, tap Start and share a phone number that is on the roster');
  ctx.out.line('(parents: guardian_phone in students.csv; staff: phone in staff.csv), or use this invite:');
  await cmdInvite(ctx, { school: DEMO_SCHOOL.code, role: 'teacher' });
  return true;
}

/** A file name from a student code or class name (codes are the school's own text). */
function safeFileName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, 80) || '_';
}

async function cmdCards(ctx: CliContext, env: Record<string, string | undefined>, opts: { school: string; class?: string; out: string }): Promise<boolean> {
  // Cards printed here must verify in the bot: the same key (CARD_SECRET, or the one derived from
  // the bot's token) and the same bot name in the link. A placeholder token would print cards
  // the bot refuses.
  if (!ctx.config.CARD_SECRET && !env.BOT_TOKEN?.trim()) {
    throw new UsageError('cards are signed with CARD_SECRET (or, when it is unset, a key derived from BOT_TOKEN): set CARD_SECRET (recommended) or BOT_TOKEN exactly as the bot has them');
  }
  const botUsername = ctx.config.BOT_USERNAME?.replace(/^@/, '');
  if (!botUsername) throw new UsageError("set BOT_USERNAME (the bot's username without @): every card's QR code is a t.me link to the bot");
  const { db } = ctx.database;
  const school = await getSchool(db, opts.school);
  if (!school) throw new UsageError(`no school with code ${opts.school}`);
  let classId: number | undefined;
  if (opts.class) {
    const name = opts.class.replace(/\s+/g, '').toUpperCase();
    const [row] = await db
      .select({ id: classes.id })
      .from(classes)
      .innerJoin(sql`academic_years ay`, sql`ay.id = ${classes.academicYearId} and ay.is_current`)
      .where(and(eq(classes.schoolId, school.id), eq(classes.name, name)));
    if (!row) throw new UsageError(`no class ${name} this year at ${school.code}`);
    classId = row.id;
  }
  const cards = await cardsFor(db, { schoolId: school.id, classId, issuedBy: 'cli' }, cardSecret({ CARD_SECRET: ctx.config.CARD_SECRET, BOT_TOKEN: env.BOT_TOKEN?.trim() ?? '' }), botUsername);
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
  const schoolName = ctx.locale === 'km' ? school.nameKm : school.nameEn;
  for (const group of byClass.values()) {
    const className = group.cards[0]!.className;
    const title = ctx.notifier.t(ctx.locale, 'qr-sheet-title', { school: schoolName, class: className });
    const pdf = await renderClassSheetPdf(group.cards, title, { cardPngs: group.pngs });
    await writeFile(path.join(opts.out, `${safeFileName(className)}.pdf`), pdf);
    ctx.out.line(`${className}: ${group.cards.length} cards → ${safeFileName(className)}.pdf`);
  }
  await audit(db, { actor: 'cli', schoolId: school.id, action: 'card.export', entity: classId ? 'class' : 'school', entityId: classId ?? school.id, details: { students: cards.length, classes: byClass.size } });
  ctx.out.line(`${cards.length} student cards (PNG) and ${byClass.size} class sheet(s) (PDF, A4, print at 100 %) written to ${opts.out}`);
  return true;
}

const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;

async function syncOrWarn(ctx: CliContext, schoolId: number): Promise<void> {
  const synced = await syncSchoolSchedules(ctx.database.db, ctx.config.REDIS_URL, ctx.config.QUEUE_PREFIX, schoolId);
  if (!synced) ctx.out.line('(Redis not reachable: the worker picks up reminder times at its next start or within the hour)');
}

async function cmdCalendar(ctx: CliContext, schoolCode: string, v: Record<string, string | boolean | undefined>): Promise<boolean> {
  const { db } = ctx.database;
  const school = await getSchool(db, schoolCode);
  if (!school) throw new UsageError(`no school with code ${schoolCode}`);
  const day = (name: string) => {
    const d = v[name];
    if (typeof d !== 'string') return undefined;
    if (!isRealDay(d)) throw new UsageError(`--${name} takes a date YYYY-MM-DD`);
    return d;
  };
  const holiday = day('holiday');
  const schoolDay = day('school-day');
  const normal = day('normal');
  if (holiday) await setCalendarDay(db, { schoolId: school.id, day: holiday, kind: 'holiday', note: typeof v.note === 'string' ? v.note : undefined, actor: 'cli' });
  if (schoolDay) await setCalendarDay(db, { schoolId: school.id, day: schoolDay, kind: 'school-day', actor: 'cli' });
  if (normal) await setCalendarDay(db, { schoolId: school.id, day: normal, kind: 'normal', actor: 'cli' });
  let weekDays: number[] | undefined;
  if (typeof v['week-days'] === 'string') {
    weekDays = v['week-days'].split(',').map((x) => Number(x.trim()));
    if (weekDays.length === 0 || weekDays.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) throw new UsageError('--week-days takes ISO weekdays 1-7, e.g. 1,2,3,4,5,6');
  }
  const remindAt: Record<string, string> = {};
  for (const shift of ['morning', 'afternoon'] as const) {
    const x = v[`remind-${shift}`];
    if (typeof x === 'string') {
      if (!TIME_RE.test(x)) throw new UsageError(`--remind-${shift} takes HH:MM`);
      remindAt[shift] = x;
    }
  }
  if (weekDays || Object.keys(remindAt).length > 0) {
    await setSettings(db, { schoolId: school.id, weekDays, remindAt, actor: 'cli' });
    await syncOrWarn(ctx, school.id);
  }
  const settings = await getSettings(db, school.id);
  ctx.out.line(`${school.code}: school week ${settings.weekDays.join(',')} (1 = Monday); reminders morning ${settings.remindAt.morning}, afternoon ${settings.remindAt.afternoon} (${school.timezone})`);
  const holidays = await upcomingHolidays(db, school.id, new Date().toISOString().slice(0, 10), 365);
  ctx.out.line(holidays.length ? `Holidays: ${holidays.map((h) => `${h.day}${h.note ? ` (${h.note})` : ''}`).join(', ')}` : 'Holidays: none in the coming year');
  return true;
}

async function cmdScanning(ctx: CliContext, schoolCode: string, v: Record<string, string | boolean | undefined>): Promise<boolean> {
  const { db } = ctx.database;
  const school = await getSchool(db, schoolCode);
  if (!school) throw new UsageError(`no school with code ${schoolCode}`);
  if (v.on && v.off) throw new UsageError('--on or --off, not both');
  if (v.mode !== undefined && v.mode !== 'confirm' && v.mode !== 'immediate') throw new UsageError('--mode takes confirm or immediate');
  const times = (kind: 'late' | 'cutoff') => {
    const out: Partial<Record<'morning' | 'afternoon', string>> = {};
    for (const shift of ['morning', 'afternoon'] as const) {
      const x = v[`${kind}-${shift}`];
      if (typeof x === 'string') {
        if (!TIME_RE.test(x)) throw new UsageError(`--${kind}-${shift} takes HH:MM`);
        out[shift] = x;
      }
    }
    return out;
  };
  let cooldownSeconds: number | undefined;
  if (typeof v.cooldown === 'string') {
    if (!/^\d{1,3}$/.test(v.cooldown)) throw new UsageError('--cooldown takes minutes, e.g. 5');
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
    if (err instanceof ScanSettingsError) throw new UsageError(err.message);
    throw err;
  }
  if (changing && !(await syncSchoolScanSchedules(db, ctx.config.REDIS_URL, ctx.config.QUEUE_PREFIX, school.id))) {
    ctx.out.line('(Redis not reachable: the worker picks up the cutoff times at its next start or within the hour)');
  }
  ctx.out.line(
    `${school.code}: scanning ${view.enabled ? 'on' : 'off'}; ${view.alertMode === 'immediate' ? 'families told at cutoff' : 'teacher confirms first'}; ` +
      `morning late after ${view.shifts.morning.lateAfter}, cutoff ${view.shifts.morning.cutoffAt}; ` +
      `afternoon late after ${view.shifts.afternoon.lateAfter}, cutoff ${view.shifts.afternoon.cutoffAt}; repeat scans ignored for ${view.cooldownSeconds / 60} min (${school.timezone})`,
  );
  return true;
}

export async function runCli(argv: string[], env: Record<string, string | undefined>, out: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      code: { type: 'string' },
      'name-km': { type: 'string' },
      'name-en': { type: 'string' },
      province: { type: 'string' },
      timezone: { type: 'string' },
      school: { type: 'string' },
      role: { type: 'string' },
      student: { type: 'string' },
      class: { type: 'string' },
      staff: { type: 'string' },
      days: { type: 'string' },
      fixtures: { type: 'string' },
      holiday: { type: 'string' },
      phone: { type: 'string' },
      name: { type: 'string' },
      note: { type: 'string' },
      'school-day': { type: 'string' },
      normal: { type: 'string' },
      'week-days': { type: 'string' },
      'remind-morning': { type: 'string' },
      'remind-afternoon': { type: 'string' },
      on: { type: 'boolean' },
      off: { type: 'boolean' },
      mode: { type: 'string' },
      'late-morning': { type: 'string' },
      'late-afternoon': { type: 'string' },
      'cutoff-morning': { type: 'string' },
      'cutoff-afternoon': { type: 'string' },
      cooldown: { type: 'string' },
      subject: { type: 'string' },
      remove: { type: 'boolean' },
      within: { type: 'string' },
      'per-hour': { type: 'string' },
      'per-day': { type: 'string' },
      lang: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub, ...rest] = positionals;
  if (!command || values.help) {
    out.line(USAGE);
    return command ? 0 : 2;
  }
  let database: Database | undefined;
  try {
    const config = loadConfigWithoutBot(env);
    const locale = values.lang ?? config.DEFAULT_LOCALE;
    if (!isLocale(locale)) throw new UsageError('--lang must be km or en');
    const need = (name: keyof typeof values): string => {
      const v = values[name];
      if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} is required`);
      return v;
    };
    // Validate usage before touching the database.
    const hasSub = ['school', 'roster', 'staff', 'official'].includes(command);
    const matched = hasSub ? `${command} ${sub ?? ''}`.trim() : command;
    if (!['migrate', 'school add', 'roster import', 'staff import', 'invite', 'demo', 'calendar', 'official add', 'scanning', 'cards', 'teach', 'questions'].includes(matched)) {
      throw new UsageError(`unknown command "${matched}"`);
    }
    const file = hasSub ? rest[0] : undefined;

    database = await openAppDatabase(config);
    const ctx: CliContext = { config, database, notifier: createNotifier(config), locale, out };
    let ok = true;
    switch (matched) {
      case 'migrate':
        out.line('Migrations applied.');
        break;
      case 'school add': {
        const r = await addSchool(
          database.db,
          { code: need('code'), nameKm: need('name-km'), nameEn: need('name-en'), province: need('province'), timezone: values.timezone },
          'cli',
        );
        out.line(`School ${values.code} ${r.created ? 'created' : 'updated'} (id ${r.id}).`);
        await syncOrWarn(ctx, r.id);
        break;
      }
      case 'roster import':
      case 'staff import': {
        if (!file) throw new UsageError('give the file to import');
        ok = await cmdRosterImport(ctx, command as 'roster' | 'staff', need('school'), file);
        break;
      }
      case 'invite':
        ok = await cmdInvite(ctx, {
          school: need('school'),
          role: need('role'),
          student: values.student,
          class: values.class,
          staff: values.staff,
          days: values.days,
        });
        break;
      case 'demo':
        ok = await cmdDemo(ctx, values.fixtures ?? DEFAULT_FIXTURES);
        break;
      case 'official add': {
        const phone = normalizePhone(need('phone'));
        if (!phone.ok) throw new UsageError('--phone is not a Cambodian phone number');
        let provinceId: number | null = null;
        if (values.province) {
          const [p] = await database.db.select({ id: provinces.id }).from(provinces).where(eq(provinces.code, values.province));
          if (!p) throw new UsageError(`no province with code ${values.province}`);
          provinceId = p.id;
        }
        const [row] = await database.db
          .insert(officials)
          .values({ phone: phone.e164, name: need('name'), provinceId })
          .onConflictDoUpdate({ target: officials.phone, set: { name: need('name'), provinceId } })
          .returning({ id: officials.id });
        // Someone who already shared this phone is linked at once.
        await database.db.execute(
          sql`update officials o set telegram_user_id = ta.telegram_user_id from telegram_accounts ta where o.id = ${row!.id} and ta.phone = o.phone`,
        );
        await audit(database.db, { actor: 'cli', action: 'official.set', entity: 'official', entityId: row!.id, details: { provinceId } });
        out.line(`Official ${row!.id} ${provinceId === null ? '(national)' : `(province ${values.province})`} saved; linked when they share their phone.`);
        break;
      }
      case 'calendar':
        ok = await cmdCalendar(ctx, need('school'), values);
        break;
      case 'scanning':
        ok = await cmdScanning(ctx, need('school'), values);
        break;
      case 'cards':
        ok = await cmdCards(ctx, env, { school: need('school'), class: values.class, out: need('out') });
        break;
      case 'teach':
        ok = await cmdTeach(ctx, need('school'), values);
        break;
      case 'questions':
        ok = await cmdQuestions(ctx, need('school'), values);
        break;
    }
    return ok ? 0 : 1;
  } catch (err) {
    if (err instanceof UsageError || err instanceof SchoolInputError || err instanceof UnknownSchoolError) {
      out.error(`Error: ${err.message}`);
      out.error('Run `npm run cli -- --help` for usage.');
      return 2;
    }
    if (err instanceof ConfigError) {
      out.error(err.message);
      return 2;
    }
    throw err;
  } finally {
    await database?.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runCli(process.argv.slice(2), process.env, { line: (s = '') => console.log(s), error: (s) => console.error(s) })
    .then((code) => process.exit(code))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
