/** Records' buttons (`rc`): open a subject or class to sign, and the confirmations. */
import { buttonNamespace, id, word } from '../core/buttons.js';

const rc = buttonNamespace('rc');
/** a subject teacher opens the preview of their subject in a class */
export const openSubject = rc.button('os', { c: id(), t: word(8) });
/** confirmations carry the first characters of the set's fingerprint: a stale one signs nothing */
export const confirmSubject = rc.button('cs', { c: id(), t: word(8), b: word(12) });
export const openClass = rc.button('oc', { c: id(), t: word(8) });
export const confirmClassBtn = rc.button('cc', { c: id(), t: word(8), b: word(12) });
export const confirmSchool = rc.button('cp', { t: word(8), b: word(12) });
export const cancelSign = rc.button('x');

export const NAMESPACES = [rc.name] as const;
