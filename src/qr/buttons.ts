/**
 * QR cards' and scanning's buttons, each declared once; the bot and the services build and read
 * callback data only through these (core/buttons.ts).
 *   `qr`  the home menu's entries, and the card buttons:
 *           qr:class:<classId>            /cards: one class's sheet
 *           qr:school:<schoolId>          /cards: every class of a school
 *           qr:new:<studentId>:<version>  /card CODE new: confirm (the version the person saw, so a
 *                                         stale or repeated tap re-issues nothing)
 *           qr:cancel                     /card CODE new: cancel
 *   `nt`  a parent's arrival notices on/off (under every notice, and in /notices)
 *   `sc`  /scanning: on, off, confirm, immediate
 * Buttons of messages sent before these had one namespace (`qc:`, `qa:`, `qn:`, `qx`) are
 * nobody's now: they get the "this button is outdated" answer.
 */
import { bigId, buttonNamespace, id, int } from '../core/buttons.js';

const qr = buttonNamespace('qr');
export const cardsHome = qr.button('cards');
export const scanHome = qr.button('scan');
export const classSheet = qr.button('class', { classId: id() });
export const schoolSheets = qr.button('school', { schoolId: id() });
/** student_cards.version is a smallint; 0: the student had no card when the button was made */
export const reissueConfirm = qr.button('new', { studentId: bigId(), version: int(0, 32_767) });
export const reissueCancel = qr.button('cancel');

const nt = buttonNamespace('nt');
export const noticesOn = nt.button('on');
export const noticesOff = nt.button('off');

const sc = buttonNamespace('sc');
export const scanningOn = sc.button('on');
export const scanningOff = sc.button('off');
export const scanningConfirmMode = sc.button('confirm');
export const scanningImmediateMode = sc.button('immediate');

export const NAMESPACES = [qr.name, nt.name, sc.name] as const;
