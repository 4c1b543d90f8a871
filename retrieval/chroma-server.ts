import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { ChromaClient } from 'chromadb';
import { dataDir, venvPython, type Config } from '../config/index.ts';
import { lockHolder, removeLock, writeLock } from './server-lock.ts';

export class ChromaStartError extends Error {
  readonly userFacing = true;
}

export interface LocalChroma {
  url: string;
  stop(): Promise<void>;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => resolve(port));
      });
  });
}

/** Keeps the last few KB of the server's output for error messages. */
function tail(child: ChildProcess, limit = 4000): () => string {
  let buf = '';
  const keep = (d: Buffer) => {
    buf = (buf + d.toString()).slice(-limit);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => buf.trim();
}

const running = new Set<ChildProcess>();
let hooksInstalled = false;

/** The server must not outlive us: kill it on exit and on SIGINT/SIGTERM (then re-raise if nobody else handles them). */
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const c of running) c.kill('SIGTERM');
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    });
  }
}

function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

class PortTaken extends Error {}

async function answers(port: number): Promise<boolean> {
  try {
    await new ChromaClient({ host: '127.0.0.1', port }).heartbeat();
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the Python chromadb server from the setup venv (the npm package's `chroma run` binary
 * needs glibc >= 2.38) on the configured port, or on a free one when that port is taken.
 */
export async function startLocalChroma(config: Config): Promise<LocalChroma> {
  const chromaBin = path.join(path.dirname(venvPython(config)), 'chroma');
  if (!existsSync(chromaBin)) {
    throw new ChromaStartError(`the Chroma server is not installed (${chromaBin} is missing). Run \`npm run setup\`, or set CHROMA_URL to a running server.`);
  }
  const dbPath = path.join(dataDir(config), 'chroma');
  mkdirSync(dbPath, { recursive: true });
  // Two servers over one persist directory would corrupt it, so a second process must share explicitly.
  const lockFile = path.join(dataDir(config), 'chroma-server.json');
  const holder = lockHolder(lockFile);
  if (holder && (await answers(holder.port))) {
    throw new ChromaStartError(
      `another local Chroma server (pid ${holder.pid}) already serves ${dbPath} on port ${holder.port}. ` +
        `Share it with CHROMA_URL=http://127.0.0.1:${holder.port}, or use another data dir.`,
    );
  }
  const port = (await portIsFree(config.chroma.port)) ? config.chroma.port : await anyFreePort();
  let server: LocalChroma & { pid: number };
  try {
    server = await launch(chromaBin, dbPath, port, config.chroma.startTimeoutMs);
  } catch (e) {
    // Another process won the race for the port between our check and the server's bind.
    if (!(e instanceof PortTaken)) throw e;
    server = await launch(chromaBin, dbPath, await anyFreePort(), config.chroma.startTimeoutMs);
  }
  writeLock(lockFile, { pid: server.pid, port: Number(new URL(server.url).port) });
  return {
    url: server.url,
    async stop() {
      await server.stop();
      removeLock(lockFile, server.pid);
    },
  };
}

async function launch(chromaBin: string, dbPath: string, port: number, timeoutMs: number): Promise<LocalChroma & { pid: number }> {
  const child = spawn(chromaBin, ['run', '--path', dbPath, '--host', '127.0.0.1', '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ANONYMIZED_TELEMETRY: 'False' },
    // Its own process group: a terminal's Ctrl-C reaches the whole foreground group, and commands
    // that stop gracefully on it (eval finishes its current question) still need the server. Our
    // exit hooks stop it.
    detached: true,
  });
  running.add(child);
  installExitHooks();
  const output = tail(child);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    running.delete(child);
    exited = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  });
  child.once('error', (e) => {
    exited = `could not start: ${e.message}`;
  });

  const client = new ChromaClient({ host: '127.0.0.1', port });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      if (/is not available|address already in use/i.test(output())) throw new PortTaken();
      throw new ChromaStartError(`the local Chroma server (${chromaBin}, port ${port}) ${exited}. Its output:\n${output() || '(none)'}`);
    }
    // The log line proves that the server answering the heartbeat is ours, not another on the port.
    if (/server listening on address/.test(output())) {
      try {
        await client.heartbeat();
        return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => stopChild(child) };
      } catch {
        // not serving yet
      }
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new ChromaStartError(`the local Chroma server on port ${port} did not answer its heartbeat within ${timeoutMs} ms. Its output:\n${output() || '(none)'}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
