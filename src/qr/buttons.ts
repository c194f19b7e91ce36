/**
 * QR cards' and scanning's buttons. `qr`: the home menu's entries; `nt`: a parent's arrival
 * notices on/off (under every notice, and in /notices). The card and settings buttons keep their
 * own short namespaces (`qc`, `qa`, `qn`, `qx`, `sc`).
 */
import { buttonNamespace } from '../core/buttons.js';

const qr = buttonNamespace('qr');
export const cardsHome = qr.button('cards');
export const scanHome = qr.button('scan');

const nt = buttonNamespace('nt');
export const noticesOn = nt.button('on');
export const noticesOff = nt.button('off');

export const NAMESPACES = [qr.name, nt.name, 'qc', 'qa', 'qn', 'qx', 'sc'] as const;
