/**
 * The Cambodian default: subjects per grade with their maximum scores, and the assessment plan of
 * a school year. Copied into a school's rows when the office accepts the default plan; every row
 * is then the school's to edit (bot, CLI, Excel).
 *
 * Maximum scores follow the practice in ../shared/DOMAIN.md ("Cambodia: grading"): grades 1-6 out
 * of 10; grades 7-9 out of 50, with Khmer and Maths out of 100 (the source says so for grade 7; we
 * apply it to 8-9 and upper secondary too — weak evidence, hence a default to configure).
 */
import type { Subject } from '../teaching/subjects.js';
import type { AssessmentKind } from './schema.js';

const NAMES: Record<Subject, [km: string, en: string]> = {
  khmer: ['ភាសាខ្មែរ', 'Khmer'],
  maths: ['គណិតវិទ្យា', 'Mathematics'],
  science: ['វិទ្យាសាស្ត្រ', 'Science'],
  social: ['សិក្សាសង្គម', 'Social studies'],
  pe: ['អប់រំកាយ និងកីឡា', 'Physical education'],
  'life-skills': ['បំណិនជីវិត', 'Life skills'],
  english: ['ភាសាអង់គ្លេស', 'English'],
  french: ['ភាសាបារាំង', 'French'],
  history: ['ប្រវត្តិវិទ្យា', 'History'],
  geography: ['ភូមិវិទ្យា', 'Geography'],
  physics: ['រូបវិទ្យា', 'Physics'],
  chemistry: ['គីមីវិទ្យា', 'Chemistry'],
  biology: ['ជីវវិទ្យា', 'Biology'],
  'earth-science': ['ផែនដីវិទ្យា', 'Earth science'],
  morals: ['សីលធម៌-ពលរដ្ឋវិជ្ជា', 'Morals and civics'],
  arts: ['សិល្បៈ', 'Arts'],
  ict: ['ព័ត៌មានវិទ្យា', 'ICT'],
  'home-economics': ['គេហវិទ្យា', 'Home economics'],
};

/** The default Khmer and English names of a subject. */
export function defaultSubjectNames(code: Subject): { nameKm: string; nameEn: string } {
  const [nameKm, nameEn] = NAMES[code];
  return { nameKm, nameEn };
}

const PRIMARY: Subject[] = ['khmer', 'maths', 'science', 'social', 'pe', 'life-skills'];
const SECONDARY: Subject[] = ['khmer', 'maths', 'physics', 'chemistry', 'biology', 'earth-science', 'history', 'geography', 'morals', 'english', 'pe', 'home-economics'];

export interface DefaultSubject {
  grade: number;
  code: Subject;
  nameKm: string;
  nameEn: string;
  maxScore: number;
  position: number;
}

export function defaultSubjects(grades: readonly number[]): DefaultSubject[] {
  const rows: DefaultSubject[] = [];
  for (const grade of grades) {
    const list = grade <= 6 ? PRIMARY : SECONDARY;
    list.forEach((code, i) => {
      const [nameKm, nameEn] = NAMES[code];
      const maxScore = grade <= 6 ? 10 : code === 'khmer' || code === 'maths' ? 100 : 50;
      rows.push({ grade, code, nameKm, nameEn, maxScore, position: i + 1 });
    });
  }
  return rows;
}

export interface DefaultAssessment {
  term: 1 | 2;
  kind: AssessmentKind;
  month: number | null;
  code: string;
  position: number;
}

const MONTH_CODES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
export const monthCode = (month: number) => MONTH_CODES[month - 1]!;
export const MONTH_CODE_INDEX = new Map(MONTH_CODES.map((c, i) => [c, i + 1]));

/**
 * The plan for a year that starts in `startMonth` (the year moves: DOMAIN.md says it is set per
 * year, never hard-coded): Cambodian practice — monthly tests in the first months of each
 * semester and a semester exam (`s1`, `s2`); Circular 22 — two regular marks, a mid-term and an
 * end-of-term per semester.
 */
export function defaultAssessments(ruleCode: string, startMonth: number, monthlyPerTerm = 3): DefaultAssessment[] {
  const rows: DefaultAssessment[] = [];
  let position = 1;
  for (const term of [1, 2] as const) {
    if (ruleCode === 'vn-c22') {
      rows.push({ term, kind: 'regular', month: null, code: `r${term}a`, position: position++ });
      rows.push({ term, kind: 'regular', month: null, code: `r${term}b`, position: position++ });
      rows.push({ term, kind: 'midterm', month: null, code: `mid${term}`, position: position++ });
      rows.push({ term, kind: 'final', month: null, code: `end${term}`, position: position++ });
      continue;
    }
    for (let i = 0; i < monthlyPerTerm; i++) {
      // semester 2 starts 5 months after the year
      const month = ((startMonth - 1 + (term - 1) * 5 + i) % 12) + 1;
      rows.push({ term, kind: 'monthly', month, code: monthCode(month), position: position++ });
    }
    rows.push({ term, kind: 'exam', month: null, code: `s${term}`, position: position++ });
  }
  return rows;
}
