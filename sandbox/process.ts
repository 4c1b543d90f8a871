// The application's side of the sandbox process: starts it on first use (again after it dies),
// matches requests to replies and routes the isolates' tool calls to their Runtime. A request the
// process does not answer in time gets the whole process killed.

import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Request, ToChild, ToParent } from './protocol.ts';

const WORKER = new URL('./worker.ts', import.meta.url);
/**
 * V8 optimizes on background threads and drops the bytecode of functions it has not run for a
 * while, both on timing; how deep a recursion gets before its stack overflows depends on which
 * tier runs it. Optimizing on the isolate's own thread and keeping bytecode make that depth the
 * same in a fork's replay as it was live (security.md, forks).
 */
const DETERMINISTIC_V8 = ['--no-concurrent-recompilation', '--no-concurrent-osr', '--no-flush-bytecode'];

interface Pending {
  resolve: (value: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * Why a request got no reply: the process ended by itself ('crashed': V8 aborts it when an isolate
 * runs out of memory), was killed because this request was not answered in time ('hung'), or was
 * killed for another request ('killed').
 */
export type ProcessEnd = 'crashed' | 'hung' | 'killed';

export class ProcessEndedError extends Error {
  constructor(readonly end: ProcessEnd, how: string) {
    super(`the sandbox process ended (${how})`);
  }
}

/** What the process needs from a Runtime: its tool handler and a way to learn that it died. */
export interface ProcessClient {
  tool(name: string, json: string): Promise<string>;
  died(): void;
}

export class SandboxProcess {
  #child: ChildProcess | null = null;
  /** The request the current process was killed for. */
  #killedFor: number | null = null;
  #pending = new Map<number, Pending & { rid: number }>();
  #clients = new Map<number, ProcessClient>();
  #nextReq = 0;
  #nextRid = 0;

  register(client: ProcessClient): number {
    const rid = this.#nextRid++;
    this.#clients.set(rid, client);
    return rid;
  }

  forget(rid: number): void {
    this.#clients.delete(rid);
  }

  /** Sends a request; the whole process is killed if no reply comes within `killAfterMs`. */
  request(msg: Request, killAfterMs: number): Promise<{ value: unknown; alive: boolean }> {
    const child = this.#start();
    const req = this.#nextReq++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.#child !== child) return;
        this.#killedFor ??= req;
        child.kill('SIGKILL');
      }, killAfterMs);
      const done = <T,>(f: (v: T) => void) => (v: T) => {
        clearTimeout(timer);
        this.#pending.delete(req);
        this.#refresh();
        f(v);
      };
      this.#pending.set(req, { rid: msg.rid, resolve: done(resolve as (v: unknown) => void), reject: done(reject) });
      this.#refresh();
      child.send({ ...msg, req } satisfies ToChild);
    });
  }

  #start(): ChildProcess {
    if (this.#child) return this.#child;
    const child = fork(WORKER, [], {
      execArgv: ['--import', import.meta.resolve('tsx'), '--no-node-snapshot', ...DETERMINISTIC_V8],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    // Kept for the error when the process cannot start at all (V8's abort reports are not wanted).
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-2000); });
    (child.stderr as Socket | null)?.unref();
    child.on('message', (m: ToParent) => this.#message(child, m));
    child.on('exit', (code, signal) => this.#exited(child, signal ?? (code ? `exit code ${code}: ${stderr.trim()}` : 'exit code 0')));
    child.on('error', () => child.kill('SIGKILL'));
    this.#child = child;
    return child;
  }

  #message(child: ChildProcess, m: ToParent): void {
    if (m.t === 'reply') {
      const p = this.#pending.get(m.req);
      if (!p) return;
      if (m.ok) p.resolve({ value: m.value, alive: m.alive });
      else p.reject(Object.assign(new Error(m.error), { alive: m.alive }));
      return;
    }
    const client = this.#clients.get(m.rid);
    const answer = client ? client.tool(m.name, m.json) : Promise.resolve('esandbox closed');
    void answer.then((reply) => {
      if (child.connected) child.send({ t: 'tool-reply', call: m.call, reply } satisfies ToChild);
    });
  }

  #exited(child: ChildProcess, how: string): void {
    if (this.#child !== child) return;
    this.#child = null;
    const killedFor = this.#killedFor;
    this.#killedFor = null;
    for (const [req, p] of this.#pending) {
      this.#pending.delete(req);
      p.reject(new ProcessEndedError(killedFor === null ? 'crashed' : killedFor === req ? 'hung' : 'killed', how));
    }
    for (const client of this.#clients.values()) client.died();
    this.#clients.clear();
  }

  /** Only keep the application alive while a request is out. */
  #refresh(): void {
    const child = this.#child;
    if (!child) return;
    if (this.#pending.size > 0) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  }
}

export const sandboxProcess = new SandboxProcess();
