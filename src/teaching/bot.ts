/** Teaching's dialogue: the timetable, the lesson book, leave and cover, teaching hours. */
import { Composer } from 'grammy';
import type { AppDeps, BotContext } from '../core/telegram/context.js';
import { hoursFeature } from './bot-hours.js';
import { leaveFeature } from './bot-leave.js';
import { lessonsFeature } from './bot-lessons.js';
import { timetableFeature } from './bot-timetable.js';

export { IMPORT_FLOW, importFlow } from './bot-timetable.js';
export { TOPIC_FLOW, topicFlow } from './bot-lessons.js';
export { LEAVE_FLOW, leaveFlow } from './bot-leave.js';

export function teachingFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.use(timetableFeature(deps), lessonsFeature(deps), leaveFeature(deps), hoursFeature(deps));
  return composer;
}
