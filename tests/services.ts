/**
 * Real Redis and PostgreSQL servers for the scale-out tests, from Debian's packages (setup.sh
 * --test installs them), each on a free 127.0.0.1 port with its data in a temp folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, proc: ChildProcess, what: string, log: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}: ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = createConnection({ port, host: '127.0.0.1' }, () => (s.end(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error(`${what} did not listen on ${port} within ${timeoutMs} ms: ${log()}`);
}

function tail(proc: ChildProcess): () => string {
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-2000));
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  return () => out;
}

async function stop(proc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = once(proc, 'exit');
  proc.kill(signal);
  await exited;
}

export interface RedisServer {
  url: string;
  /** Stops the server (SIGKILL with `hard`) and starts it again on the same port and data. */
  restart(opts?: { hard?: boolean; downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

/** A Redis with an append-only file fsynced on every write, so a restart loses no job. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'understudy-redis-'));
  const launch = async () => {
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await waitForPort(port, proc, 'redis-server', tail(proc));
    return proc;
  };
  let proc = await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart({ hard = false, downMs = 0 } = {}) {
      await stop(proc, hard ? 'SIGKILL' : 'SIGTERM');
      if (downMs) await new Promise((r) => setTimeout(r, downMs));
      proc = await launch();
    },
    stop: () => stop(proc),
  };
}

function postgresBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const file = path.join(root, v, 'bin', name);
    if (existsSync(file)) return file;
  }
  throw new Error(`PostgreSQL's ${name} was not found under ${root}: run deploy/setup.sh --test (installs Debian's postgresql)`);
}

export interface PostgresServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster (initdb, trust auth on 127.0.0.1). PostgreSQL refuses to run as
 * root, so as root the cluster is owned by and run as the `postgres` user Debian's package creates.
 * It skips fsync unless `settings` (postgresql.conf names and values) say otherwise.
 */
export async function startPostgres(settings: Record<string, string> = {}): Promise<PostgresServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'understudy-pg-'));
  const data = path.join(dir, 'data');
  const owner: { uid?: number; gid?: number } = process.getuid?.() === 0 ? postgresUser() : {};
  if (owner.uid !== undefined) chownSync(dir, owner.uid, owner.gid!);
  const init = spawnSync(postgresBin('initdb'), ['-D', data, '-U', 'understudy', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], { encoding: 'utf8', ...owner });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const conf = Object.entries({ fsync: 'off', full_page_writes: 'off', ...settings }).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const proc = spawn(postgresBin('postgres'), ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, ...conf], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...owner,
  });
  await waitForPort(port, proc, 'postgres', tail(proc));
  // SIGINT: PostgreSQL's fast shutdown (clients are disconnected, not waited for).
  return { url: `postgres://understudy@127.0.0.1:${port}/postgres`, stop: () => stop(proc, 'SIGINT') };
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!uid) throw new Error('PostgreSQL refuses to run as root and there is no postgres user: run deploy/setup.sh --test (installs Debian\'s postgresql)');
  return { uid, gid: id('-g') };
}
