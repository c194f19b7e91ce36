/** Announcements' buttons (`an`): the /announce flow, its preview and the home menu's entry. */
import { buttonNamespace } from '../core/buttons.js';

const an = buttonNamespace('an');
export const announceHome = an.button('home');

export const NAMESPACES = [an.name] as const;
