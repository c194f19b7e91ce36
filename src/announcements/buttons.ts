/**
 * Announcements' buttons (`an`): the home menu's entry, the /announce flow's choices and the
 * preview's (and the sent message's) actions. Built and read only through these declarations.
 */
import { bigId, buttonNamespace, flag, id, int, oneOf } from '../core/buttons.js';

const an = buttonNamespace('an');
export const announceHome = an.button('home');

// --- the preview, and the message that replaces it once sent: handled outside the flow ---------
export const sendButton = an.button('ok', { id: bigId() });
export const urgentButton = an.button('u', { id: bigId(), urgent: flag() });
export const discardButton = an.button('x', { id: bigId() });
export const cancelButton = an.button('c', { id: bigId() });
/** send an urgent announcement as a paid broadcast (allow_paid_broadcast), within the Stars budget */
export const paidSendButton = an.button('pb', { id: bigId() });

// --- the /announce flow's own buttons -----------------------------------------------------------
export const AUDIENCE_KINDS = ['school', 'grades', 'classes', 'staff', 'parents'] as const;
export const audienceButton = an.button('a', { kind: oneOf(AUDIENCE_KINDS) });
export const classButton = an.button('cl', { classId: id() });
export const gradeButton = an.button('g', { grade: int(1, 12) });
export const viaButton = an.button('v', { via: oneOf({ groups: 'g', parents: 'p' }) });
export const whenButton = an.button('t', { when: oneOf(['now', 'later']) });
export const doneButton = an.button('done');
export const quitButton = an.button('quit');

/** What the /announce conversation reads; every other button (its namespace's too) goes past it. */
export const FLOW_BUTTONS = [audienceButton, classButton, gradeButton, viaButton, whenButton, doneButton, quitButton] as const;

/** Whether callback data is one of the /announce flow's buttons (valid fields). */
export const isFlowButton = (data: string | undefined): boolean => an.isOneOf(data, FLOW_BUTTONS);

export const NAMESPACES = [an.name] as const;
