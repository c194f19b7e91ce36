/** `capacity`: messages per day by kind, the morning peak and the bots the deployment needs. */
import { CliUsageError, type CliCommand } from '../core/cli.js';
import { fleetBots } from '../core/telegram/fleet.js';
import { DEFAULT_ASSUMPTIONS, deploymentCounts, MESSAGES_PER_SECOND_PER_BOT, planCapacity, rushArrivals, type CapacityAssumptions } from './service.js';

const int = (n: number) => Math.round(n).toLocaleString('en-US');

function numberOption(values: Record<string, string | boolean | undefined>, name: string, fallback: number, min: number, max: number): number {
  const v = values[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n) || n < min || n > max) throw new CliUsageError(`--${name} must be a number from ${min} to ${max}`);
  return n;
}

export const capacityCli: CliCommand = {
  name: 'capacity',
  usage: '[--absent 5] [--announcements 2] [--rush-minutes 30] [--headroom 80]',
  summary: "messages per day by kind, the morning peak and the bots needed, for the deployment's schools and families\n(--absent: % of children absent a day; --announcements: per school and week; --headroom: % of 30/s planned per bot)",
  options: { absent: { type: 'string' }, announcements: { type: 'string' }, 'rush-minutes': { type: 'string' }, headroom: { type: 'string' } },
  async run(ctx, { values }) {
    const a: CapacityAssumptions = {
      ...DEFAULT_ASSUMPTIONS,
      absentShare: numberOption(values, 'absent', DEFAULT_ASSUMPTIONS.absentShare * 100, 0, 100) / 100,
      announcementsPerWeek: numberOption(values, 'announcements', DEFAULT_ASSUMPTIONS.announcementsPerWeek, 0, 100),
      rushMinutes: numberOption(values, 'rush-minutes', DEFAULT_ASSUMPTIONS.rushMinutes, 1, 600),
      headroom: numberOption(values, 'headroom', DEFAULT_ASSUMPTIONS.headroom * 100, 1, 100) / 100,
      // as the deployment runs: ARRIVAL_DIGEST_SECONDS=0 sends each child's arrival on its own
      arrivalDigests: ctx.config.ARRIVAL_DIGEST_SECONDS > 0,
    };
    const plan = planCapacity(await deploymentCounts(ctx.database.db), a);
    const c = plan.counts;
    const out = ctx.out;
    out.line(`Deployment: ${int(c.schools)} schools (${int(c.scanningSchools)} scanning at the gate), ${int(c.students)} students,`);
    out.line(`  ${int(c.familyChats)} family chats on Telegram (${int(c.familiesWithSeveral)} with several children), ${int(c.staffChats)} staff chats`);
    out.line('Messages on a school day:');
    const width = Math.max(...plan.perDay.map((k) => k.kind.length));
    for (const k of plan.perDay) out.line(`  ${k.kind.padEnd(width)}  ${int(k.messages).padStart(12)}`);
    out.line(`  ${'total'.padEnd(width)}  ${int(plan.totalPerDay).padStart(12)}`);
    const perChild = c.arrivalsPerChild.morning + c.arrivalsPerChild.afternoon;
    out.line(`  (one arrival notice per child would be ${int(perChild)})`);
    out.line(
      `Morning peak: ${int(rushArrivals({ perChild: c.arrivalsPerChild, perFamily: c.arrivalsPerFamily }, a))} arrival notices in ${a.rushMinutes} min = ${plan.morningPeakPerSecond.toFixed(1)} messages/s`,
    );
    out.line(
      a.arrivalDigests
        ? `Arrival digests on: siblings in one shift get one notice (they wait up to ${ctx.config.ARRIVAL_DIGEST_SECONDS} s for each other)`
        : 'Arrival digests off (ARRIVAL_DIGEST_SECONDS=0): one arrival notice per child',
    );
    out.line(
      `Bots needed: ${plan.bots} (peak: ${plan.botsForPeak}, day's volume: ${plan.botsForVolume}; each bot planned at ${Math.round(MESSAGES_PER_SECOND_PER_BOT * a.headroom)} of ${MESSAGES_PER_SECOND_PER_BOT} messages/s)`,
    );
    // The fleet as configured (BOT_TOKEN and BOT_TOKENS): each bot carries the rush of the
    // schools it serves, so one bot may be short while the fleet as a whole is large enough.
    const fleet = fleetBots(ctx.config);
    const usable = MESSAGES_PER_SECOND_PER_BOT * a.headroom;
    out.line(`Fleet configured: ${fleet.length} bot(s); ${fleet.length >= plan.bots ? 'enough for the peak if the schools are spread over them' : `${plan.bots - fleet.length} more needed (BOT_TOKENS)`}`);
    const defaultId = fleet[0]!.id;
    for (const b of fleet) {
      const served = c.arrivalsByBot.filter((x) => (x.botId ?? defaultId) === b.id);
      const notices = served.reduce((sum, x) => sum + rushArrivals(x, a), 0);
      const perSecond = notices / (a.rushMinutes * 60);
      const name = `${b.isDefault ? 'default bot' : 'bot'} ${b.username ? `@${b.username}` : `id ${b.id}`}`;
      out.line(`  ${name}: ${int(notices)} arrival notices in the rush = ${perSecond.toFixed(1)} messages/s, ${Math.round((perSecond / usable) * 100)}% of its planned ${Math.round(usable)}/s${perSecond > usable ? ' (over: move schools to other bots with `school bot`)' : ''}`);
    }
    const unknown = c.arrivalsByBot.filter((x) => x.botId !== null && !fleet.some((b) => b.id === x.botId));
    for (const x of unknown) out.line(`  bot id ${x.botId}: serves schools but is not configured (add its token to BOT_TOKENS)`);
    return true;
  },
};
