/** The admin CLI run in-process, with what it printed collected (tests assert on both streams). */
import { runCli } from '../../src/cli/main.js';

export async function runCliCaptured(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, env, { line: (s = '') => out.push(s), error: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
