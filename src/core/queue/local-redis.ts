/**
 * A private Redis for a developer's machine: when REDIS_URL is unset and nothing answers on
 * 127.0.0.1:6379, the process starts its own `redis-server` (a temp directory, a random port,
 * nothing saved) and stops it on exit. Production sets REDIS_URL and never gets here.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const INSTALL_REDIS_HINT =
  'Redis is not running on 127.0.0.1:6379 and redis-server is not installed: install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.';

/** Whether something accepts TCP connections on host:port within `timeoutMs`. */
export function answers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function redisServerInstalled(bin = 'redis-server'): boolean {
  const r = spawnSync(bin, ['--version'], { stdio: 'ignore' });
  return r.status === 0;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface PrivateRedis {
  url: string;
  port: number;
  dir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `redis-server` on a free port in a temp dir; resolves once it accepts connections. */
export async function startPrivateRedis(extraArgs: string[] = [], bin = 'redis-server'): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sis-redis-'));
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...extraArgs], {
    stdio: 'ignore',
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = async () => {
    if (!exited) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
      if (!exited) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if (exited) break;
    if (await answers('127.0.0.1', port, 200)) return { url: `redis://127.0.0.1:${port}`, port, dir, process: child, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`redis-server did not start on port ${port}`);
}

/**
 * The Redis URL a process should use: REDIS_URL when set; 127.0.0.1:6379 when something answers
 * there; else a private redis-server (stopped by `stop`). Null with the one-line hint when none
 * can be had.
 */
export async function resolveRedis(env: Record<string, string | undefined> = process.env): Promise<
  { url: string; started?: PrivateRedis } | { url: null; hint: string }
> {
  if (env.REDIS_URL && env.REDIS_URL.trim() !== '') return { url: env.REDIS_URL };
  if (await answers('127.0.0.1', 6379)) return { url: 'redis://127.0.0.1:6379' };
  if (!redisServerInstalled()) return { url: null, hint: INSTALL_REDIS_HINT };
  const started = await startPrivateRedis();
  return { url: started.url, started };
}

export interface PrivateCluster {
  /** seed nodes for ioredis' Cluster */
  nodes: Array<{ host: string; port: number }>;
  stop(): Promise<void>;
}

/**
 * A local Redis Cluster of `size` masters (redis-server --cluster-enabled on private ports, joined
 * with `redis-cli --cluster create`), for trying the queues' hash-tagged keys; resolves once every
 * slot is served.
 */
export async function startPrivateCluster(size = 3): Promise<PrivateCluster> {
  const servers: PrivateRedis[] = [];
  const stop = async () => {
    for (const s of servers) await s.stop();
  };
  try {
    for (let i = 0; i < size; i++) servers.push(await startPrivateRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000']));
    const addresses = servers.map((s) => `127.0.0.1:${s.port}`);
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stderr || create.stdout}`);
    for (let i = 0; i < 100; i++) {
      const info = spawnSync('redis-cli', ['-p', String(servers[0]!.port), 'cluster', 'info'], { encoding: 'utf8' });
      if (/cluster_state:ok/.test(info.stdout) && /cluster_slots_ok:16384/.test(info.stdout)) {
        return { nodes: servers.map((s) => ({ host: '127.0.0.1', port: s.port })), stop };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the cluster did not become ready');
  } catch (err) {
    await stop();
    throw err;
  }
}
