/**
 * The subjects a timetable may name (Cambodia's primary and secondary curriculum). Stored as
 * codes; shown through `teaching-subject-<code>`; a timetable cell may write the code, either
 * label or one of the usual short forms below.
 */
import type { Locale } from '../core/db/schema.js';
import { LOCALES } from '../core/i18n/index.js';

export const SUBJECTS = [
  'khmer',
  'maths',
  'science',
  'social',
  'pe',
  'life-skills',
  'english',
  'french',
  'history',
  'geography',
  'physics',
  'chemistry',
  'biology',
  'earth-science',
  'morals',
  'arts',
  'ict',
  'home-economics',
] as const;
export type Subject = (typeof SUBJECTS)[number];

/** Short forms people write, besides the code and the two labels. */
const ALIASES: Record<Subject, string[]> = {
  khmer: ['ខ្មែរ', 'ភាសាខ្មែរ', 'khmer language', 'kh'],
  maths: ['math', 'mathematics', 'គណិត', 'គណិតវិទ្យា', 'គណិតសាស្ត្រ'],
  science: ['sciences', 'វិទ្យាសាស្ត្រ', 'វិទ្យា'],
  social: ['social studies', 'សិក្សាសង្គម', 'សង្គម'],
  pe: ['physical education', 'sport', 'sports', 'កីឡា', 'អប់រំកាយ', 'អប់រំកាយ និងកីឡា'],
  'life-skills': ['life skills', 'local life skills', 'បំណិនជីវិត'],
  english: ['eng', 'អង់គ្លេស', 'ភាសាអង់គ្លេស'],
  french: ['fr', 'បារាំង', 'ភាសាបារាំង'],
  history: ['ប្រវត្តិ', 'ប្រវត្តិវិទ្យា'],
  geography: ['geo', 'ភូមិ', 'ភូមិវិទ្យា'],
  physics: ['រូប', 'រូបវិទ្យា'],
  chemistry: ['chem', 'គីមី', 'គីមីវិទ្យា'],
  biology: ['bio', 'ជីវៈ', 'ជីវវិទ្យា'],
  'earth-science': ['earth science', 'ផែនដី', 'ផែនដីវិទ្យា'],
  morals: ['moral', 'civics', 'moral-civics', 'សីលធម៌', 'ពលរដ្ឋ', 'សីលធម៌-ពលរដ្ឋវិជ្ជា'],
  arts: ['art', 'music', 'សិល្បៈ', 'តន្ត្រី'],
  ict: ['computer', 'computers', 'ព័ត៌មានវិទ្យា', 'កុំព្យូទ័រ'],
  'home-economics': ['home economics', 'គេហវិទ្យា'],
};

export function subjectKey(code: string): string {
  return `teaching-subject-${code}`;
}

const norm = (s: string) => s.normalize('NFC').toLowerCase().replace(/[\s_.]+/g, '').replace(/[‐–—]/g, '-');

type T = (locale: Locale, key: string) => string;

/** Builds the lookup once per import: every spelling → code. */
export function subjectIndex(t: T): Map<string, Subject> {
  const index = new Map<string, Subject>();
  for (const code of SUBJECTS) {
    const labels = LOCALES.map((locale) => t(locale, subjectKey(code)));
    for (const spelling of [code, ...labels, ...ALIASES[code]]) index.set(norm(spelling), code);
  }
  return index;
}

export function findSubject(index: Map<string, Subject>, text: string): Subject | null {
  return index.get(norm(text)) ?? null;
}
