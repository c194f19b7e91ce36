/** Scores' buttons (`gr`, grades): /scores navigation, confirm a checked list, the office's views. */
import { buttonNamespace, id, oneOf, optional, word } from '../core/buttons.js';
import { parsePeriod, type Period } from './service-results.js';

const sc = buttonNamespace('gr');
export const scoresHome = sc.button('home');
export const scoresClass = sc.button('c', { cls: id() });
export const scoresSubject = sc.button('s', { cls: id(), subj: id() });
export const scoresTest = sc.button('t', { cls: id(), subj: id(), a: id() });
/** `v`: how the list came (typed when absent) */
export const scoresConfirm = sc.button('ok', { cls: id(), subj: id(), a: id(), h: word(12), v: optional(oneOf({ excel: 'x' })) });
export const scoresCancel = sc.button('x');
export const scoresTemplate = sc.button('tpl', { cls: id(), subj: id(), a: id() });
export const scoresPlan = sc.button('plan', { rule: oneOf({ 'kh-practice': 'kh', 'vn-c22': 'vn' }) });
export const scoresProgress = sc.button('p', { a: id() });
export const scoresRemind = sc.button('r', { a: id() });
/** period on the wire: m<id>, t1, t2, y */
export const scoresPublish = sc.button('pub', { cls: id(), p: word(12) });
export const scoresSheet = sc.button('xls', { cls: id(), p: word(12) });
export const scoresPdf = sc.button('pdf', { cls: id(), p: word(12) });
/** /subjects: save or drop the typed subject edits */
export const subjectsConfirm = sc.button('sok');
export const subjectsCancel = sc.button('sx');
/** /subjects: the subjects as a workbook to edit and send back */
export const subjectsExcel = sc.button('sxl');

export const periodWire = (p: Period) => p.replace(':', '');
export const periodFromWire = (w: string): Period | null => parsePeriod(w.startsWith('m') ? `m:${w.slice(1)}` : w);

export const NAMESPACES = [sc.name] as const;
