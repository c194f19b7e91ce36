/** Onboarding's buttons: the home menu's own entries, invite codes, unlinking. */
import { bigId, buttonNamespace, id } from '../core/buttons.js';

const ob = buttonNamespace('ob');
export const whoamiButton = ob.button('who');
export const languageButton = ob.button('lang');
export const codeButton = ob.button('code');
export const helpButton = ob.button('help');

/** unlink: choose what (a staff record, a guardian record, everything), or cancel */
// staff.id is a serial, guardians.id a bigserial
const ul = buttonNamespace('ul');
export const unlinkStaffChoice = ul.button('s', { id: id() });
export const unlinkGuardianChoice = ul.button('g', { id: bigId() });
export const unlinkAllChoice = ul.button('all');
export const unlinkCancel = ul.button('no');

/** unlink: the confirmation */
const ulc = buttonNamespace('ulc');
export const unlinkStaffConfirm = ulc.button('s', { id: id() });
export const unlinkGuardianConfirm = ulc.button('g', { id: bigId() });
export const unlinkAllConfirm = ulc.button('all');

/** grammY Menu id of the language chooser (the menu plugin builds and reads its data) */
export const LANGUAGE_MENU = 'lang';

export const NAMESPACES = [ob.name, ul.name, ulc.name, LANGUAGE_MENU] as const;
