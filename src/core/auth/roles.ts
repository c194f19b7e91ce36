/**
 * The one table of roles. The database enum of staff roles, the order roles are shown in (widest
 * view first), the spellings a staff roster may use, which roles count as the school's office,
 * and who may invite whom are all read from here; nothing else lists roles.
 */

/** Roles a staff member holds at a school (the `staff_role` enum, in this order). */
export const STAFF_ROLES = ['principal', 'operator', 'teacher', 'gatekeeper'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Every role a person can have in the app: staff roles, guardians, and provincial/national offices. */
export type AppRole = StaffRole | 'parent' | 'director';

export interface RoleInfo {
  /** staff of a school, a child's guardian, or an education office above schools */
  kind: 'staff' | 'family' | 'office';
  /** runs the school's administration (sees the whole school, acts for teachers) */
  schoolOffice: boolean;
  /** what a person with this role may issue invites for (staff roles and parents) */
  mayInvite: readonly InviteKind[];
  /** how a staff roster may write the role (compared ignoring case and spaces) */
  rosterSpellings: readonly string[];
}

export type InviteKind = StaffRole | 'parent';

export const ROLES: Readonly<Record<AppRole, RoleInfo>> = {
  director: { kind: 'office', schoolOffice: false, mayInvite: [], rosterSpellings: [] },
  principal: {
    kind: 'staff',
    schoolOffice: true,
    mayInvite: ['principal', 'operator', 'teacher', 'gatekeeper', 'parent'],
    rosterSpellings: ['principal', 'នាយក', 'នាយិកា'],
  },
  operator: {
    kind: 'staff',
    schoolOffice: true,
    mayInvite: ['teacher', 'gatekeeper', 'parent'],
    rosterSpellings: ['operator', 'ប្រតិបត្តិករ'],
  },
  teacher: { kind: 'staff', schoolOffice: false, mayInvite: ['parent'], rosterSpellings: ['teacher', 'គ្រូ', 'គ្រូបង្រៀន'] },
  gatekeeper: {
    kind: 'staff',
    schoolOffice: false,
    mayInvite: [],
    rosterSpellings: ['gatekeeper', 'gate keeper', 'guard', 'អ្នកយាមទ្វារ', 'អ្នកយាម'],
  },
  parent: { kind: 'family', schoolOffice: false, mayInvite: [], rosterSpellings: [] },
};

/** Every role, widest view first: the order of /help sections and of `rolesOf`. */
export const ROLE_ORDER: readonly AppRole[] = ['director', 'principal', 'operator', 'teacher', 'gatekeeper', 'parent'];

/** What an invite can make someone: every staff role, and a child's guardian. */
export const INVITE_KINDS: readonly InviteKind[] = [...STAFF_ROLES, 'parent'];

/** The roles of a school's office (principal, operator). */
export const OFFICE_ROLES: readonly StaffRole[] = STAFF_ROLES.filter((r) => ROLES[r].schoolOffice);

export function isAppRole(value: string): value is AppRole {
  return Object.hasOwn(ROLES, value);
}

const spellingKey = (s: string) => s.toLowerCase().replace(/\s+/g, '');

const BY_SPELLING: ReadonlyMap<string, StaffRole> = new Map(
  STAFF_ROLES.flatMap((role) => ROLES[role].rosterSpellings.map((s) => [spellingKey(s), role] as const)),
);

/** The staff role a roster cell names (`Teacher`, `គ្រូ`, `gate keeper`), or null. */
export function staffRoleFromRoster(cell: string): StaffRole | null {
  return BY_SPELLING.get(spellingKey(cell)) ?? null;
}

/** Whether someone holding `roles` at a school may issue an invite of `kind` there. */
export function mayInvite(roles: readonly StaffRole[], kind: InviteKind): boolean {
  return roles.some((r) => ROLES[r].mayInvite.includes(kind));
}
