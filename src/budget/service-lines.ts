/**
 * The office edits its chart of budget lines and the year's plan from the chat. One typed
 * message, an edit per line —
 *   add CODE Khmer name | English name      rename CODE Khmer name | English name
 *   retire CODE      restore CODE      plan CODE state|community|partner AMOUNT (riel; 0 clears)
 * — is read against the chart in force (every bad line named by its number, nothing kept), shown
 * as the chart and plan it would make, and written only on Confirm: read again then, in one
 * transaction with an audit row per change (ids only). Expenses keep their line: a retired line
 * only leaves the choices of new expenses.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db, Executor } from '../core/db/client.js';
import type { Actor } from '../core/auth/actor.js';
import { officeMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { asciiDigits } from '../core/i18n/index.js';
import { linesOf } from './lines.js';
import { MAX_RIEL } from './money.js';
import { BUDGET_SOURCES, budgetLines, budgetPlans, type BudgetSource } from './schema.js';

export interface ChartLine {
  /** null for a line the edits add */
  id: number | null;
  code: string;
  nameKm: string;
  nameEn: string;
  active: boolean;
  plan: Record<BudgetSource, number>;
}

export type LineProblem = { key: 'bad-verb' | 'bad-code' | 'bad-names' | 'bad-source' | 'bad-amount'; line: number } | { key: 'no-line' | 'exists'; line: number; code: string };

export interface ChartPreview {
  schoolId: number;
  fiscalYear: number;
  lines: ChartLine[];
  /** codes of lines added, renamed, retired, restored or re-planned */
  added: string[];
  changed: string[];
}

export { BUDGET_SOURCES };

const emptyPlan = (): Record<BudgetSource, number> => ({ state: 0, community: 0, partner: 0 });

/** The school's lines with the year's plan per source. */
export async function chartOf(ex: Executor, schoolId: number, fiscalYear: number): Promise<ChartLine[]> {
  const lines = await linesOf(ex, schoolId);
  const plans = await ex
    .select({ lineId: budgetPlans.lineId, source: budgetPlans.source, amount: budgetPlans.amountRiel })
    .from(budgetPlans)
    .where(and(eq(budgetPlans.schoolId, schoolId), eq(budgetPlans.fiscalYear, fiscalYear)));
  return lines.map((l) => {
    const plan = emptyPlan();
    for (const p of plans) if (p.lineId === l.id) plan[p.source] = Number(p.amount);
    return { id: l.id, code: l.code, nameKm: l.nameKm, nameEn: l.nameEn, active: l.active, plan };
  });
}

function names(rest: string): { nameKm: string; nameEn: string } | null {
  const [km, en, extra] = rest.split('|').map((s) => s.trim());
  if (!km || !en || extra !== undefined || km.length > 60 || en.length > 60) return null;
  return { nameKm: km, nameEn: en };
}

/** A plan amount: whole riel (commas, spaces, ៛ and Khmer digits accepted), 0 to clear it. */
function planAmount(raw: string): number | null {
  const s = asciiDigits(raw).toLowerCase().replace(/៛|riels?|khr|រៀល|[\s,]/g, '');
  if (!/^\d{1,12}$/.test(s)) return null;
  const n = Number(s);
  return n <= 100 * MAX_RIEL ? n : null;
}

export function applyLineEdits(start: readonly ChartLine[], text: string): { lines: ChartLine[]; problems: LineProblem[]; touched: Set<string> } {
  const lines = start.map((l) => ({ ...l, plan: { ...l.plan } }));
  const problems: LineProblem[] = [];
  const touched = new Set<string>();
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const row = raw.trim();
    if (!row) continue;
    const line = i + 1;
    const m = /^(\S+)\s*(\S*)\s*(.*)$/.exec(row)!;
    const verb = m[1]!.toLowerCase();
    const code = m[2]!.toLowerCase();
    const rest = m[3]!.trim();
    const at = lines.findIndex((l) => l.code === code);
    if (!['add', 'rename', 'retire', 'restore', 'plan'].includes(verb) || !code) {
      problems.push({ key: 'bad-verb', line });
    } else if (verb === 'add') {
      const n = names(rest);
      if (!/^[a-z0-9-]{1,32}$/.test(code)) problems.push({ key: 'bad-code', line });
      else if (at >= 0) problems.push({ key: 'exists', line, code });
      else if (!n) problems.push({ key: 'bad-names', line });
      else {
        lines.push({ id: null, code, ...n, active: true, plan: emptyPlan() });
        touched.add(code);
      }
    } else if (at < 0) {
      problems.push({ key: 'no-line', line, code: m[2]! });
    } else if (verb === 'rename') {
      const n = names(rest);
      if (!n) problems.push({ key: 'bad-names', line });
      else {
        Object.assign(lines[at]!, n);
        touched.add(code);
      }
    } else if (verb === 'retire' || verb === 'restore') {
      if (rest) problems.push({ key: 'bad-verb', line });
      else {
        lines[at]!.active = verb === 'restore';
        touched.add(code);
      }
    } else {
      const [source = '', ...amount] = rest.split(/\s+/);
      const riel = planAmount(amount.join(' '));
      if (!BUDGET_SOURCES.includes(source.toLowerCase() as BudgetSource)) problems.push({ key: 'bad-source', line });
      else if (riel === null) problems.push({ key: 'bad-amount', line });
      else {
        lines[at]!.plan[source.toLowerCase() as BudgetSource] = riel;
        touched.add(code);
      }
    }
  }
  return { lines, problems, touched };
}

export type ChartEditResult = { ok: true; preview: ChartPreview } | { ok: false; reason: 'forbidden' } | { ok: false; reason: 'problems'; problems: LineProblem[] };

async function preview(ex: Executor, schoolId: number, fiscalYear: number, text: string): Promise<{ ok: true; preview: ChartPreview; before: ChartLine[] } | { ok: false; problems: LineProblem[] }> {
  const before = await chartOf(ex, schoolId, fiscalYear);
  const { lines, problems, touched } = applyLineEdits(before, text);
  if (problems.length) return { ok: false, problems };
  const added = lines.filter((l) => l.id === null).map((l) => l.code);
  return { ok: true, before, preview: { schoolId, fiscalYear, lines, added, changed: [...touched].filter((c) => !added.includes(c)) } };
}

async function refuse(ex: Executor, actor: Actor): Promise<ChartEditResult> {
  await audit(ex, { actor: actorOf(actor.telegramUserId), action: 'budget.chart', outcome: 'denied', details: { reason: 'forbidden' } });
  return { ok: false, reason: 'forbidden' };
}

/** The chart of the actor's school for the year (refused, audited, for anyone not of a school's office). */
export async function chartToEdit(db: Db, actor: Actor, fiscalYear: number): Promise<{ ok: true; lines: ChartLine[] } | { ok: false }> {
  const office = officeMembership(actor);
  if (!office) {
    await refuse(db, actor);
    return { ok: false };
  }
  return { ok: true, lines: await chartOf(db, office.schoolId, fiscalYear) };
}

export async function previewChartEdit(db: Db, actor: Actor, fiscalYear: number, text: string): Promise<ChartEditResult> {
  const office = officeMembership(actor);
  if (!office) return refuse(db, actor);
  const r = await preview(db, office.schoolId, fiscalYear, text);
  return r.ok ? { ok: true, preview: r.preview } : { ok: false, reason: 'problems', problems: r.problems };
}

/** Writes the edits, read again against the chart in force now, each change audited. */
export async function saveChartEdit(db: Db, actor: Actor, fiscalYear: number, text: string): Promise<ChartEditResult> {
  const office = officeMembership(actor);
  if (!office) return refuse(db, actor);
  const schoolId = office.schoolId;
  const who = actorOf(actor.telegramUserId);
  return db.transaction(async (tx) => {
    // one editor at a time per school: the second reads the first's chart
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('budget.chart'), ${schoolId})`);
    const r = await preview(tx, schoolId, fiscalYear, text);
    if (!r.ok) return { ok: false as const, reason: 'problems' as const, problems: r.problems };
    const was = new Map(r.before.map((l) => [l.code, l]));
    for (const [position, l] of r.preview.lines.entries()) {
      const old = was.get(l.code);
      let lineId = l.id;
      if (!old) {
        [{ id: lineId }] = (await tx.insert(budgetLines).values({ schoolId, code: l.code, nameKm: l.nameKm, nameEn: l.nameEn, position }).returning({ id: budgetLines.id })) as [{ id: number }];
        await audit(tx, { actor: who, schoolId, action: 'budget.line', entity: 'budget_line', entityId: lineId, details: { added: true } });
      } else if (old.nameKm !== l.nameKm || old.nameEn !== l.nameEn || old.active !== l.active) {
        await tx.update(budgetLines).set({ nameKm: l.nameKm, nameEn: l.nameEn, active: l.active }).where(and(eq(budgetLines.schoolId, schoolId), eq(budgetLines.id, l.id!)));
        await audit(tx, { actor: who, schoolId, action: 'budget.line', entity: 'budget_line', entityId: l.id!, details: { renamed: old.nameKm !== l.nameKm || old.nameEn !== l.nameEn, active: l.active } });
      }
      for (const source of BUDGET_SOURCES) {
        if ((old?.plan[source] ?? 0) === l.plan[source]) continue;
        await tx
          .insert(budgetPlans)
          .values({ schoolId, fiscalYear, lineId: lineId!, source, amountRiel: l.plan[source], updatedBy: who })
          .onConflictDoUpdate({ target: [budgetPlans.schoolId, budgetPlans.fiscalYear, budgetPlans.lineId, budgetPlans.source], set: { amountRiel: l.plan[source], updatedBy: who, updatedAt: sql`now()` } });
        await audit(tx, { actor: who, schoolId, action: 'budget.plan.set', entity: 'budget_line', entityId: lineId!, details: { year: fiscalYear, source } });
      }
    }
    return { ok: true as const, preview: r.preview };
  });
}
