/**
 * The typed subject edits (also what an uploaded subjects workbook becomes): Khmer digits are
 * read as digits in grades and maximums, and kept as typed inside a subject's names.
 */
import { describe, expect, it } from 'vitest';
import { applySubjectEdits, type SubjectRow } from '../../src/scores/service-subjects.js';

const maths: SubjectRow = { id: 1, grade: 7, code: 'maths', nameKm: 'គណិតវិទ្យា', nameEn: 'Mathematics', maxScore: 50, position: 1, active: true, scores: 0 };

describe('typed subject edits', () => {
  it('renames with a Khmer digit in the name and keeps it; grades and maximum in Khmer digits are numbers', () => {
    const { rows, problems } = applySubjectEdits([maths], 'rename ៧ maths គណិតវិទ្យា ១ | Mathematics 1\nmax ៧ maths ៤០');
    expect(problems).toEqual([]);
    expect(rows[0]).toMatchObject({ grade: 7, nameKm: 'គណិតវិទ្យា ១', nameEn: 'Mathematics 1', maxScore: 40 });
  });

  it('adds a subject whose maximum and grade are typed in Khmer digits, its Khmer name as typed', () => {
    const { rows, problems } = applySubjectEdits([maths], 'add ៨ maths ១០០ គណិតវិទ្យា ២ | Maths 2');
    expect(problems).toEqual([]);
    expect(rows.find((r) => r.grade === 8)).toMatchObject({ code: 'maths', maxScore: 100, nameKm: 'គណិតវិទ្យា ២', nameEn: 'Maths 2', active: true });
  });
});
