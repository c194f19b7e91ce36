/**
 * Questions' buttons (`q`): the home menu's entries, choosing a child and a teacher, the buttons
 * under a question's copy and an answer (built by the service into outbox messages), a thread's
 * history and media, and the compose and answer prompts. Built and read only through these.
 */
import { bigId, buttonNamespace, id } from '../core/buttons.js';

const q = buttonNamespace('q');
export const askHome = q.button('ask');
export const questionsHome = q.button('list');

/** /ask: the child the question is about, then the teacher it goes to */
export const childButton = q.button('c', { studentId: bigId() });
export const teacherButton = q.button('t', { studentId: bigId(), staffId: id() });

/** under a question's copy (teacher), an answer (parent), a history or an escalation */
export const replyButton = q.button('r', { threadId: bigId() });
export const historyButton = q.button('h', { threadId: bigId() });
export const writeBackButton = q.button('f', { threadId: bigId() });
export const mediaButton = q.button('m', { messageId: bigId() });

/** the compose and answer prompts */
export const urgentToggle = q.button('urg');
export const cancelButton = q.button('x');

/** What the conversation writing a question reads; every other button goes past it to its owner. */
export const COMPOSE_BUTTONS = [urgentToggle, cancelButton] as const;
/** What the conversation writing an answer reads. */
export const ANSWER_BUTTONS = [cancelButton] as const;

/** A text typed with no flow open: send it to this teacher about this child (the offer's buttons). */
export const looseSend = q.button('ls', { studentId: bigId(), staffId: id() });
/** What the conversation holding a loose text reads. */
export const LOOSE_BUTTONS = [looseSend, cancelButton] as const;

export const isLooseButton = (data: string | undefined): boolean => q.isOneOf(data, LOOSE_BUTTONS);
export const isComposeButton = (data: string | undefined): boolean => q.isOneOf(data, COMPOSE_BUTTONS);
export const isAnswerButton = (data: string | undefined): boolean => q.isOneOf(data, ANSWER_BUTTONS);

export const NAMESPACES = [q.name] as const;
