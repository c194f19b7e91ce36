/**
 * The fault suite's private services: a Postgres cluster (initdb/pg_ctl from
 * /usr/lib/postgresql/<v>/bin, in a temp dir, on its own port), redis-server instances on their own
 * ports without persistence, and the real bot and worker processes (src/main.ts). Nothing here
 * touches the shared services on 5432/6379.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 100): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

function pgBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(path.join(root, v, 'bin', 'pg_ctl'))) return path.join(root, v, 'bin');
  throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)');
}

/** As root, the cluster is run by the postgres user (initdb refuses root). */
function asPostgres(cmd: string, args: string[]): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', cmd, ...args] : [cmd, ...args];
}

export class PrivatePostgres {
  readonly dir: string;
  private readonly bin = pgBin();
  constructor(readonly port: number) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'sis-faults-pg-'));
    chmodSync(this.dir, 0o777);
  }
  get url() {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }
  private run(cmd: string, args: string[]) {
    const [c, ...a] = asPostgres(path.join(this.bin, cmd), args);
    const r = spawnSync(c!, a, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  }
  init() {
    if (process.getuid?.() === 0) spawnSync('chown', ['postgres', this.dir]);
    this.run('initdb', ['-D', path.join(this.dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  }
  start() {
    this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-w', '-l', path.join(this.dir, 'log'), '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  }
  stop() {
    this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-w', '-m', 'fast', 'stop']);
  }
  destroy() {
    try {
      this.stop();
    } catch {
      /* not running */
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class PrivateRedis {
  private child: ChildProcess | null = null;
  constructor(readonly port: number) {
    if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error('redis-server is not installed (apt-get install redis-server)');
  }
  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }
  /** Starts empty: no RDB, no AOF (a restart is a Redis that lost its data). */
  async start() {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitFor(`redis on ${this.port}`, () => portOpen(this.port), 10_000);
  }
  async kill() {
    const c = this.child;
    this.child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  }
}

export interface AppProcess {
  child: ChildProcess;
  log: string[];
  exited: Promise<number | null>;
}

/** The real src/main.ts, in one node process (so SIGKILL hits the process that does the work). */
export function startApp(mode: 'bot' | 'worker', env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', mode], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  const keep = (b: Buffer) => {
    for (const line of b.toString('utf8').split('\n')) if (line.trim()) log.push(line);
    if (log.length > 2000) log.splice(0, log.length - 2000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, log, exited };
}

export async function appStarted(p: AppProcess, timeoutMs = 60_000): Promise<void> {
  await waitFor('the process to say "started"', () => {
    if (p.child.exitCode !== null) throw new Error(`process exited early: ${p.log.slice(-5).join('\n')}`);
    return p.log.some((l) => l.includes('"msg":"started"'));
  }, timeoutMs);
}

export async function killApp(p: AppProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (p.child.exitCode !== null) return;
  p.child.kill(signal);
  await Promise.race([p.exited, sleep(30_000)]);
}
