/**
 * `sender-restart`: the sender path with the worker force-closed (`worker.close(true)`) once about
 * half the rows were accepted and a new worker started on the same queue. Checks that every row is
 * sent exactly once (no duplicate, none left) and how much the restart costs.
 * BENCH_SENDER_RESTART_N rows (default 1,000, ~35 s at 30/s).
 */
import { int, type Bench, type BenchResult } from './types.js';
import { envInt, runPipeline, senderFigures, senderNotes, TELEGRAM_LIMIT } from './sender.js';

const bench: Bench = {
  name: 'sender-restart',
  description: 'the sender path with the worker force-closed half-way and a new one started: exactly one message per row',
  async run(): Promise<BenchResult> {
    const n = envInt('BENCH_SENDER_RESTART_N', 1000);
    const r = await runPipeline({ n, restartAtFraction: 0.5 });
    const notes = senderNotes(r);
    if (r.restart) {
      notes.unshift(
        `restart after ${int(r.restart.atAccepted)} accepted: close(true) took ${int(r.restart.closeMs)} ms; ` +
          `gap in deliveries around the restart ${r.restart.gapMs === null ? 'unknown' : `${int(r.restart.gapMs)} ms`}`,
      );
    }
    return {
      measured: 'one accepted message per outbox row across a forced worker restart; send rate including the restart',
      data: `${int(n)} outbox rows to ${int(n)} distinct private chats; worker.close(true) at ~50 % then a new startSender on the same Redis prefix; fake API 30/s rolling, 1/s per chat, latency 30 ± 10 ms`,
      figures: senderFigures(r),
      primary: { label: 'send rate incl. restart', value: r.rate, unit: 'msg/s' },
      baseline: { label: "Telegram's global limit", value: TELEGRAM_LIMIT, unit: 'msg/s', measuredInRun: false },
      target: 'duplicates 0, rows left 0, ≥ 95 % of 30 msg/s, 0 429s',
      notes,
    };
  },
};

export default bench;
