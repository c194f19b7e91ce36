/**
 * Attendance's buttons. `at`: the class sheet and the home menu's entries; `td`: /today's
 * reminder; `ab`: a family's answer to an absence alert.
 */
import { buttonNamespace } from '../core/buttons.js';

const at = buttonNamespace('at');
export const attendanceHome = at.button('home');
export const todayHome = at.button('today');

export const NAMESPACES = [at.name, 'td', 'ab'] as const;
