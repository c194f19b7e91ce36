/**
 * Editing a checklist from the chat: the office edits its school's own list, a provincial official
 * their province's. One typed message, an edit per line —
 *   add AREA CODE POINTS name in Khmer | name in English
 *   points CODE N        rename CODE Khmer | English        remove CODE        default
 * — is first read against the list in force (every bad line named by its number, nothing kept),
 * shown as the list it would make, and only written on Confirm: read again then, in one
 * transaction with its audit row, so a list changed in between is not overwritten blindly.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Executor } from '../core/db/client.js';
import { schools } from '../core/db/schema.js';
import type { Actor } from '../core/auth/actor.js';
import { officeMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { asciiDigits } from '../core/i18n/index.js';
import { AREAS, checklistFor, DEFAULT_CHECKLIST, setChecklist } from './checklist.js';
import { inspectionChecklists, type ChecklistItem } from './schema.js';

export type ChecklistScope = { kind: 'school'; schoolId: number; nameKm: string; nameEn: string } | { kind: 'province'; provinceId: number; nameKm: string; nameEn: string };

export type EditProblem =
  | { key: 'bad-verb' | 'bad-area' | 'bad-code' | 'bad-points' | 'bad-labels'; line: number }
  | { key: 'no-item' | 'exists'; line: number; code: string }
  | { key: 'size' };

export interface ChecklistPreview {
  scope: ChecklistScope;
  /** null: back to the province's list or the default */
  items: ChecklistItem[] | null;
  /** what the school (or province) then inspects with */
  effective: readonly ChecklistItem[];
  added: string[];
  changed: string[];
  removed: string[];
}

/** Where the actor edits: their school (office) or their province (a provincial official). */
export async function checklistScope(ex: Executor, actor: Actor): Promise<ChecklistScope | null> {
  const office = officeMembership(actor);
  if (office) {
    const [s] = await ex.select({ nameKm: schools.nameKm, nameEn: schools.nameEn }).from(schools).where(eq(schools.id, office.schoolId));
    return s ? { kind: 'school', schoolId: office.schoolId, ...s } : null;
  }
  const provinceId = actor.officeProvinces.find((p): p is number => p !== null);
  if (provinceId === undefined) return null;
  const [p] = rowsOf<{ name_km: string; name_en: string }>(await ex.execute(sql`select name_km, name_en from provinces where id = ${provinceId}`));
  return p ? { kind: 'province', provinceId, nameKm: p.name_km, nameEn: p.name_en } : null;
}

async function ownList(ex: Executor, scope: ChecklistScope): Promise<ChecklistItem[] | null> {
  const where = scope.kind === 'school' ? eq(inspectionChecklists.schoolId, scope.schoolId) : and(eq(inspectionChecklists.provinceId, scope.provinceId), isNull(inspectionChecklists.schoolId));
  const [row] = await ex.select({ items: inspectionChecklists.items }).from(inspectionChecklists).where(where).limit(1);
  if (!row) return null;
  return typeof row.items === 'string' ? (JSON.parse(row.items) as ChecklistItem[]) : row.items;
}

/** The list in force for the scope (a school's falls back to its province's, then the default). */
export async function listInForce(ex: Executor, scope: ChecklistScope): Promise<readonly ChecklistItem[]> {
  if (scope.kind === 'school') return checklistFor(ex, scope.schoolId);
  return (await ownList(ex, scope)) ?? DEFAULT_CHECKLIST;
}

function labels(rest: string): { labelKm: string; labelEn: string } | null {
  const [km, en, extra] = rest.split('|').map((s) => s.trim());
  if (!km || !en || extra !== undefined || km.length > 60 || en.length > 60) return null;
  return { labelKm: km, labelEn: en };
}

/** Applies the typed edits to a list; problems are numbered by the message's line. */
export function applyEdits(start: readonly ChecklistItem[], text: string): { items: ChecklistItem[] | null; problems: EditProblem[] } {
  let items: ChecklistItem[] | null = start.map((i) => ({ ...i }));
  const problems: EditProblem[] = [];
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  for (const [i, raw] of lines.entries()) {
    if (!raw) continue;
    const line = i + 1;
    const m = /^(\S+)\s*(.*)$/.exec(asciiDigits(raw))!;
    const verb = m[1]!.toLowerCase();
    const rest = m[2]!.trim();
    if (verb === 'default' && !rest) {
      // alone only: edits after it would have to apply to a list not read here
      if (lines.filter(Boolean).length > 1) problems.push({ key: 'bad-verb', line });
      else items = null;
      continue;
    }
    const list: ChecklistItem[] = items ?? [];
    if (items === null) items = list;
    const [code = '', ...more] = rest.split(/\s+/);
    const find = () => list.findIndex((it) => it.code === code.toLowerCase());
    if (verb === 'add') {
      const a = /^(\S+)\s+(\S+)\s+(\S+)\s+(.+)$/.exec(rest);
      if (!a) {
        problems.push({ key: 'bad-verb', line });
        continue;
      }
      const [area, newCode, points] = [a[1]!.toLowerCase(), a[2]!.toLowerCase(), Number(a[3])];
      const names = labels(a[4]!);
      if (!(AREAS as readonly string[]).includes(area)) problems.push({ key: 'bad-area', line });
      else if (!/^[a-z0-9-]{1,16}$/.test(newCode)) problems.push({ key: 'bad-code', line });
      else if (list.some((it) => it.code === newCode)) problems.push({ key: 'exists', line, code: newCode });
      else if (!Number.isInteger(points) || points < 1 || points > 100) problems.push({ key: 'bad-points', line });
      else if (!names) problems.push({ key: 'bad-labels', line });
      else list.push({ area, code: newCode, ...names, points });
    } else if (verb === 'points' || verb === 'rename' || verb === 'remove') {
      const at = find();
      if (!code) problems.push({ key: 'bad-verb', line });
      else if (at < 0) problems.push({ key: 'no-item', line, code });
      else if (verb === 'remove') {
        if (more.length) problems.push({ key: 'bad-verb', line });
        else list.splice(at, 1);
      } else if (verb === 'points') {
        const points = Number(more.join(' '));
        if (more.length !== 1 || !Number.isInteger(points) || points < 1 || points > 100) problems.push({ key: 'bad-points', line });
        else list[at] = { ...list[at]!, points };
      } else {
        const names = labels(rest.slice(code.length));
        if (!names) problems.push({ key: 'bad-labels', line });
        else list[at] = { ...list[at]!, ...names };
      }
    } else problems.push({ key: 'bad-verb', line });
  }
  if (items !== null && (items.length === 0 || items.length > 30)) problems.push({ key: 'size' });
  return { items, problems };
}

async function preview(ex: Executor, scope: ChecklistScope, text: string): Promise<{ ok: true; preview: ChecklistPreview } | { ok: false; problems: EditProblem[] }> {
  const before = await listInForce(ex, scope);
  const { items, problems } = applyEdits(before, text);
  if (problems.length) return { ok: false, problems };
  const effective = items ?? (scope.kind === 'school' ? await provinceOrDefault(ex, scope.schoolId) : DEFAULT_CHECKLIST);
  const was = new Map(before.map((i) => [i.code, i]));
  const now = new Map(effective.map((i) => [i.code, i]));
  return {
    ok: true,
    preview: {
      scope,
      items,
      effective,
      added: effective.filter((i) => !was.has(i.code)).map((i) => i.code),
      changed: effective.filter((i) => was.has(i.code) && JSON.stringify(was.get(i.code)) !== JSON.stringify(i)).map((i) => i.code),
      removed: before.filter((i) => !now.has(i.code)).map((i) => i.code),
    },
  };
}

async function provinceOrDefault(ex: Executor, schoolId: number): Promise<readonly ChecklistItem[]> {
  const [row] = rowsOf<{ items: ChecklistItem[] | string }>(
    await ex.execute(sql`select c.items from schools s join inspection_checklists c on c.province_id = s.province_id and c.school_id is null where s.id = ${schoolId} limit 1`),
  );
  if (!row) return DEFAULT_CHECKLIST;
  return typeof row.items === 'string' ? (JSON.parse(row.items) as ChecklistItem[]) : row.items;
}

export type ChecklistEditResult = { ok: true; preview: ChecklistPreview } | { ok: false; reason: 'forbidden' } | { ok: false; reason: 'problems'; problems: EditProblem[] };

/** The list the typed edits would make; refused (audited) for someone with no school or province. */
export async function previewChecklistEdit(db: Db, actor: Actor, text: string): Promise<ChecklistEditResult> {
  const scope = await checklistScope(db, actor);
  if (!scope) {
    await audit(db, { actor: actorOf(actor.telegramUserId), action: 'inspections.checklist', outcome: 'denied', details: { reason: 'forbidden' } });
    return { ok: false, reason: 'forbidden' };
  }
  const r = await preview(db, scope, text);
  return r.ok ? r : { ok: false, reason: 'problems', problems: r.problems };
}

/** Writes the edits (read again against the list in force now), with its audit row. */
export async function saveChecklistEdit(db: Db, actor: Actor, text: string): Promise<ChecklistEditResult> {
  return db.transaction(async (tx) => {
    const scope = await checklistScope(tx, actor);
    const who = actorOf(actor.telegramUserId);
    if (!scope) {
      await audit(tx, { actor: who, action: 'inspections.checklist', outcome: 'denied', details: { reason: 'forbidden' } });
      return { ok: false as const, reason: 'forbidden' as const };
    }
    // one editor at a time per scope: the second reads the first's list
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('inspections.checklist'), ${scope.kind === 'school' ? scope.schoolId : -scope.provinceId})`);
    const r = await preview(tx, scope, text);
    if (!r.ok) return { ok: false as const, reason: 'problems' as const, problems: r.problems };
    const target = scope.kind === 'school' ? { schoolId: scope.schoolId } : { provinceId: scope.provinceId };
    if (r.preview.items) await setChecklist(tx, target, r.preview.items, who);
    else await tx.delete(inspectionChecklists).where(scope.kind === 'school' ? eq(inspectionChecklists.schoolId, scope.schoolId) : and(eq(inspectionChecklists.provinceId, scope.provinceId), isNull(inspectionChecklists.schoolId)));
    const { added, changed, removed } = r.preview;
    await audit(tx, {
      actor: who,
      schoolId: scope.kind === 'school' ? scope.schoolId : null,
      action: 'inspections.checklist',
      entity: scope.kind,
      entityId: scope.kind === 'school' ? scope.schoolId : scope.provinceId,
      details: { items: r.preview.effective.length, added: added.length, changed: changed.length, removed: removed.length, own: r.preview.items !== null },
    });
    return r;
  });
}

/** The list in force where the actor edits (refused, audited, for someone with no school or province). */
export async function checklistToEdit(db: Db, actor: Actor): Promise<{ ok: true; scope: ChecklistScope; items: readonly ChecklistItem[]; own: boolean } | { ok: false }> {
  const scope = await checklistScope(db, actor);
  if (!scope) {
    await audit(db, { actor: actorOf(actor.telegramUserId), action: 'inspections.checklist', outcome: 'denied', details: { reason: 'forbidden' } });
    return { ok: false };
  }
  return { ok: true, scope, items: await listInForce(db, scope), own: (await ownList(db, scope)) !== null };
}
