/**
 * A rule set is data (score_rule_sets.rules): the results query (service-results.ts) reads these
 * fields in SQL, so a school's way of averaging is a row, not a code path. Two ship with the app,
 * inserted by migration 0014 with exactly these values:
 *
 * - `kh-practice` — Cambodian practice (../shared/DOMAIN.md, "Cambodia: grading"): semester
 *   average = (semester exam + mean of the monthly results) / 2 → the monthly tests are pooled
 *   (their mean weighs 1) and the exam weighs 1; grades 1-6 averaged out of 10, 7-9 (and upper
 *   secondary) out of 50; letters A-E at 90/80/70/60/50 % (national exam bands); promotion needs
 *   ≥ 50 % of the maximum and no more than 20 unreported / 60 reported days of absence (UNESCO
 *   country profile, 2008). A test missed counts 0.
 * - `vn-c22` — Vietnam Circular 22/2021 (DOMAIN.md, "Vietnam"): marks 0-10; semester average =
 *   (Σ regular + 2·mid + 3·end) / (n + 5) → each regular mark weighs 1, mid-term 2, end-term 3, none
 *   pooled; year = (S1 + 2·S2) / 3; a missed test is left out (it is retaken).
 */
import { z } from 'zod';
import type { AssessmentKind } from './schema.js';

export const ruleSetSchema = z.object({
  /** per assessment kind: its weight, and whether its tests are averaged first (pooled) */
  kinds: z.record(z.string(), z.object({ weight: z.number().positive(), pooled: z.boolean() })),
  /** weight of term 1 and term 2 in the year average */
  termWeights: z.tuple([z.number().nonnegative(), z.number().nonnegative()]),
  /** scale of the overall average by grade (first band whose `upTo` ≥ grade) */
  scales: z.array(z.object({ upTo: z.number().int(), scale: z.number().positive() })).min(1),
  /** fraction of the scale needed to pass */
  passFraction: z.number().min(0).max(1),
  /** letter bands, highest first; below the last: `failLetter` */
  letters: z.array(z.object({ min: z.number(), letter: z.string() })),
  failLetter: z.string(),
  /** a test missed: counts 0, or is left out of the average */
  absentAs: z.enum(['zero', 'excluded']),
  /** promotion: most days absent in the year, unreported (absent) and reported (excused) */
  absenceLimits: z.object({ unreported: z.number().int(), reported: z.number().int() }),
  /** the assessment kinds the plan has (for the setup and the Excel template) */
  planKinds: z.array(z.string()),
});
export type RuleSet = z.infer<typeof ruleSetSchema>;

export const KH_PRACTICE: RuleSet = {
  kinds: { monthly: { weight: 1, pooled: true }, exam: { weight: 1, pooled: false } },
  termWeights: [1, 1],
  scales: [
    { upTo: 6, scale: 10 },
    { upTo: 12, scale: 50 },
  ],
  passFraction: 0.5,
  letters: [
    { min: 0.9, letter: 'A' },
    { min: 0.8, letter: 'B' },
    { min: 0.7, letter: 'C' },
    { min: 0.6, letter: 'D' },
    { min: 0.5, letter: 'E' },
  ],
  failLetter: 'F',
  absentAs: 'zero',
  absenceLimits: { unreported: 20, reported: 60 },
  planKinds: ['monthly', 'exam'],
};

export const VN_CIRCULAR_22: RuleSet = {
  kinds: { regular: { weight: 1, pooled: false }, midterm: { weight: 2, pooled: false }, final: { weight: 3, pooled: false } },
  termWeights: [1, 2],
  scales: [{ upTo: 12, scale: 10 }],
  passFraction: 0.5,
  letters: [
    { min: 0.8, letter: 'A' },
    { min: 0.65, letter: 'B' },
    { min: 0.5, letter: 'C' },
  ],
  failLetter: 'D',
  absentAs: 'excluded',
  absenceLimits: { unreported: 45, reported: 45 },
  planKinds: ['regular', 'midterm', 'final'],
};

export const SHIPPED_RULE_SETS = [
  { code: 'kh-practice', nameKm: 'ការអនុវត្តនៅកម្ពុជា', nameEn: 'Cambodian practice', rules: KH_PRACTICE },
  { code: 'vn-c22', nameKm: 'សារាចរវៀតណាម ២២', nameEn: 'Vietnam Circular 22', rules: VN_CIRCULAR_22 },
] as const;

export function scaleFor(rules: RuleSet, grade: number): number {
  return (rules.scales.find((s) => grade <= s.upTo) ?? rules.scales[rules.scales.length - 1]!).scale;
}

export function isKind(value: string): value is AssessmentKind {
  return ['monthly', 'exam', 'regular', 'midterm', 'final'].includes(value);
}
