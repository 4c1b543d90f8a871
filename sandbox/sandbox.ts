// The code-action sandbox: one isolate per question, reused across the agent's steps.
//
// Every action that may have changed the isolate's state is journaled with the tool results it
// saw. A fork is a fresh isolate that replays the journal with tool calls answered from the
// recording (tools never run twice); the same replay rebuilds the state when the memory limit,
// a stuck action or a crash of the sandbox process forces the isolate to be replaced.

import { rewrite } from './rewrite.ts';
import type { RawReport } from './protocol.ts';
import { Runtime, type ToolHandler } from './runtime.ts';
import type { ActionError, ActionResult, SandboxOptions, ToolCall } from './types.ts';

const SOURCE_URL = '\n//# sourceURL=action.js';
const RESERVED = new Set(['print', 'console', 'final_answer', 'math']);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

interface JournalEntry {
  code: string;
  calls: ToolCall[];
}

function lineOf(stack: string): number | null {
  const m = /action\.js:(\d+):\d+/.exec(stack);
  return m ? Number(m[1]) : null;
}

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer before the action's time limit`)), Math.max(0, ms));
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export class Sandbox {
  #runtime: Runtime | null = null;
  #journal: JournalEntry[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #disposed = false;

  private constructor(
    private readonly opts: SandboxOptions,
    private readonly seed: number,
  ) {}

  static async create(opts: SandboxOptions): Promise<Sandbox> {
    for (const name of Object.keys(opts.tools)) {
      if (!IDENTIFIER.test(name) || RESERVED.has(name)) throw new Error(`sandbox tool name "${name}" is not allowed`);
    }
    const sandbox = new Sandbox(opts, (Math.random() * 2 ** 32) >>> 0);
    sandbox.#runtime = await sandbox.#spawn();
    return sandbox;
  }

  /**
   * Starts the sandbox process and loads one isolate, so that the first question's sandbox does
   * not wait for them (about 0.6 s: a Node process with tsx and isolated-vm). Call it beside an
   * agent's model load; harmless when the process already runs. Never rejects: a sandbox that
   * cannot start says so to the first question that needs it.
   */
  static async warmUp(memoryMb: number): Promise<void> {
    await Runtime.create(memoryMb, [], 0).then((rt) => rt.dispose(), () => undefined);
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Runs one code action. Problems in the code come back in `error`; this never throws for them. */
  run(code: string): Promise<ActionResult> {
    return this.#serial(() => this.#run(code));
  }

  /** An independent copy of the current state, rebuilt without calling any tool again. */
  fork(): Promise<Sandbox> {
    return this.#serial(async () => {
      if (this.#disposed) throw new Error('the sandbox is disposed');
      const copy = new Sandbox(this.opts, this.seed);
      copy.#runtime = await copy.#spawn();
      await copy.#replay(this.#journal);
      return copy;
    });
  }

  dispose(): void {
    this.#disposed = true;
    this.#runtime?.dispose();
    this.#runtime = null;
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #spawn(): Promise<Runtime> {
    return Runtime.create(this.opts.memoryMb, Object.keys(this.opts.tools), this.seed);
  }

  async #replay(entries: JournalEntry[]): Promise<void> {
    for (const entry of entries) {
      const recorded = [...entry.calls];
      await this.#execute(entry.code, async (name) => {
        const call = recorded.shift();
        if (!call || call.name !== name) throw new Error(`${name}() was not called here when this action first ran`);
        return call.result;
      });
    }
    this.#journal = [...entries];
  }

  async #run(code: string): Promise<ActionResult> {
    if (this.#disposed) {
      return { output: '', value: null, finalAnswer: null, durationMs: 0, toolCalls: [],
        error: { kind: 'disposed', message: 'the sandbox was disposed', line: null } };
    }
    if (!this.#runtime?.alive) await this.#restore();
    const calls: ToolCall[] = [];
    let deadline = Infinity;
    const live: ToolHandler = async (name, args) => {
      if (!Object.hasOwn(this.opts.tools, name)) throw new Error(`${name} is not a tool`);
      const tool = this.opts.tools[name]!;
      const result = await withDeadline(Promise.resolve().then(() => tool(...args)), deadline - performance.now(), `${name}()`);
      const text = JSON.stringify(result);
      const clean = text === undefined ? null : JSON.parse(text) as unknown;
      calls.push({ name, args, result: clean });
      return clean;
    };
    const result = await this.#execute(code, live, (start) => { deadline = start + this.opts.timeoutMs; });
    result.toolCalls = calls;
    const kind = result.error?.kind;
    if (kind === undefined || kind === 'runtime' || kind === 'output') this.#journal.push({ code, calls });
    if (kind === 'memory' || (kind === 'timeout' && !this.#runtime?.alive)) result.error!.message += await this.#restore();
    return result;
  }

  /** Replaces a dead isolate and replays the journal into it; says what happened to the state. */
  async #restore(): Promise<string> {
    this.#runtime?.dispose();
    this.#runtime = await this.#spawn();
    if (this.#journal.length === 0) return '; the sandbox was restarted';
    try {
      await this.#replay(this.#journal);
      return `; the sandbox was restarted and the ${this.#journal.length} earlier action(s) replayed, ` +
        'so what this action changed is lost';
    } catch {
      return '; the sandbox was restarted and the variables of earlier actions are lost';
    }
  }

  async #execute(code: string, onTool: ToolHandler, started?: (start: number) => void): Promise<ActionResult> {
    const { timeoutMs, maxOutputChars } = this.opts;
    const runtime = this.#runtime!;
    runtime.onTool = onTool;
    const { code: script, asyncCode } = rewrite(code);
    const start = performance.now();
    let report: RawReport;
    let tried = script + SOURCE_URL;
    try {
      // Loading mathjs takes a few hundred ms: it does not count against the action's time.
      if (/\bmath\b/.test(code)) await runtime.ensureMath();
      started?.(performance.now());
      report = await runtime.exec(tried, false, maxOutputChars, timeoutMs);
      for (const wrapper of asyncCode) {
        if (report.error?.kind !== 'syntax') break;
        tried = wrapper + SOURCE_URL;
        report = await runtime.exec(tried, true, maxOutputChars, Math.max(1, Math.round(timeoutMs - (performance.now() - start))));
      }
    } catch (e) {
      return this.#stopped(runtime, e, start);
    }
    const error = await this.#error(runtime, report, tried);
    return {
      output: this.#output(report),
      value: report.value,
      finalAnswer: report.final === null ? null : { value: report.final },
      error,
      durationMs: performance.now() - start,
      toolCalls: [],
    };
  }

  async #error(runtime: Runtime, report: RawReport, tried: string): Promise<ActionError | null> {
    const raw = report.error;
    if (!raw) return null;
    if (raw.kind === 'output') {
      return { kind: 'output', line: null,
        message: `the action printed more than ${10 * this.opts.maxOutputChars} characters and was stopped` };
    }
    if (raw.kind === 'syntax') {
      const found = await runtime.syntaxError(tried);
      return { kind: 'syntax', message: found?.message ?? raw.message, line: found?.line ?? null };
    }
    return { kind: 'runtime', message: raw.message, line: lineOf(raw.stack) };
  }

  /** The result of an action that isolated-vm stopped: time limit, memory limit or disposal. */
  async #stopped(runtime: Runtime, e: unknown, start: number): Promise<ActionResult> {
    const text = e instanceof Error ? e.message : String(e);
    const partial = await runtime.collect();
    let error: ActionError;
    if (/memory limit|sandbox process ended/i.test(text) && !/SIGKILL/.test(text)) {
      error = { kind: 'memory', line: null, message: `the action used more than the ${this.opts.memoryMb} MB memory limit` };
    } else if (this.#disposed) {
      error = { kind: 'disposed', line: null, message: 'the sandbox was disposed while the action ran' };
    } else if (/timed out|disposed|SIGKILL/i.test(text)) {
      error = { kind: 'timeout', line: null, message: `the action ran longer than ${this.opts.timeoutMs} ms and was stopped` };
    } else {
      error = { kind: 'runtime', line: null, message: text };
    }
    return {
      output: partial ? this.#output(partial) : '',
      value: null,
      finalAnswer: partial?.final == null ? null : { value: partial.final },
      error,
      durationMs: performance.now() - start,
      toolCalls: [],
    };
  }

  #output(report: RawReport): string {
    const cut = report.attempted - report.output.length;
    return cut > 0 ? `${report.output}\n[output truncated: ${cut} more characters were not shown]` : report.output;
  }
}
