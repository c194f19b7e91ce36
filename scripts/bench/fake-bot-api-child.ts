/**
 * The fake Bot API in a process of its own (startFakeBotApiProcess in fake-bot-api.ts): a sender
 * measured against it does not share its event loop with the fake, as it does not share it with
 * Telegram. Options come as JSON in argv[2]; the parent asks for stats and stop over IPC.
 */
import { startFakeBotApi, type FakeBotApiOptions } from './fake-bot-api.js';

const options = JSON.parse(process.argv[2] ?? '{}') as FakeBotApiOptions;
const fake = await startFakeBotApi(options);
process.on('message', (msg: { type: 'stats' | 'stop'; id: number }) => {
  if (msg.type === 'stats') process.send!({ type: 'stats', id: msg.id, stats: fake.stats() });
  else void fake.stop().then(() => process.send!({ type: 'stopped', id: msg.id }, () => process.exit(0)));
});
process.send!({ type: 'ready', url: fake.url });
