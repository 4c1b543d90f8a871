// The code-action sandbox: one isolate per question, reused across the agent's steps.
//
// Every action that ended within its limits is journaled with the tool calls it made
// (journal.ts). A fork is a fresh isolate that replays the journal, tool calls answered from the
// recording (tools never run twice), and must repeat every action exactly or it fails. An action
// that overran its time limit or hit the memory limit leaves a state no replay could rebuild, so
// its isolate is dropped and the next action replays the journal into a new one: the live state
// always equals the journal's, and so does every fork's.

import { digestOf, Playback, type JournalEntry, type RecordedCall } from './journal.ts';
import { neutralize } from './markers.ts';
import { MAX_TOOL_ARGS, type Report } from './protocol.ts';
import { rewrite } from './rewrite.ts';
import { Runtime, type Outcome, type ToolHandler } from './runtime.ts';
import type { ActionError, ActionResult, SandboxOptions } from './types.ts';

const SOURCE_URL = '\n//# sourceURL=action.js';
const RESERVED = new Set(['print', 'console', 'final_answer', 'math']);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** A replayed action gets this many times its limit, so that a loaded machine does not fail a fork. */
const REPLAY_TIME_FACTOR = 2;

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

function argsOf(json: string): unknown[] {
  const args: unknown = json.length <= MAX_TOOL_ARGS ? JSON.parse(json) : null;
  if (!Array.isArray(args)) throw new Error('the tool arguments were malformed');
  return args;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

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

  /** An independent copy of the current state, rebuilt without calling any tool again; rejects if it would differ. */
  fork(): Promise<Sandbox> {
    return this.#serial(async () => {
      if (this.#disposed) throw new Error('the sandbox is disposed');
      const copy = new Sandbox(this.opts, this.seed);
      copy.#runtime = await copy.#spawn();
      try {
        await copy.#replay(this.#journal);
      } catch (e) {
        copy.dispose();
        throw e;
      }
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

  /** Replays `entries` into this sandbox's fresh isolate; throws where an action does not repeat. */
  async #replay(entries: JournalEntry[]): Promise<void> {
    for (const [i, entry] of entries.entries()) {
      const playback = new Playback(entry);
      const { result, outcome } = await this.#execute(entry.code, entry.now, playback.onTool, REPLAY_TIME_FACTOR * this.opts.timeoutMs);
      const why = playback.divergence(digestOf(outcome, result));
      if (why) throw new Error(`the copy of the sandbox diverged from it at action ${i + 1} of ${entries.length}: ${why}`);
    }
    this.#journal = [...entries];
  }

  async #run(code: string): Promise<ActionResult> {
    if (this.#disposed) {
      return { output: '', value: null, finalAnswer: null, durationMs: 0, toolCalls: [],
        error: { kind: 'disposed', message: 'the sandbox was disposed', line: null } };
    }
    // The last action left the isolate unusable, or the sandbox process died since.
    const lost = this.#runtime?.alive ? null : await this.#rebuild();
    const { timeoutMs } = this.opts;
    const calls: RecordedCall[] = [];
    let deadline = Infinity;
    const live: ToolHandler = async (name, json) => {
      try {
        if (!Object.hasOwn(this.opts.tools, name)) throw new Error(`${name} is not a tool`);
        const tool = this.opts.tools[name]!;
        const args = argsOf(json);
        const left = deadline - performance.now();
        if (left <= 0) throw new Error(`${name}(): the action's time limit has passed`);
        const result = await withDeadline(Promise.resolve().then(() => tool(...args)), left, `${name}()`);
        const text = JSON.stringify(result) ?? 'null';
        calls.push({ name, json, result: text });
        return text;
      } catch (e) {
        calls.push({ name, json, error: messageOf(e) });
        throw e;
      }
    };
    const now = Date.now();
    const { result, outcome } = await this.#execute(code, now, live, timeoutMs, (start) => { deadline = start + timeoutMs; });
    // What each tool got: the arguments parsed afresh from the JSON it was called with.
    result.toolCalls = calls.flatMap((c) => ('result' in c ? [{ name: c.name, args: argsOf(c.json), result: JSON.parse(c.result) as unknown }] : []));
    if (lost !== null) result.output = neutralize(`[the sandbox was restarted and the variables of earlier actions are lost: ${lost}]\n`) + result.output;
    if (outcome === 'ran' || outcome === 'waiting') {
      this.#journal.push({ code, now, calls, digest: digestOf(outcome, result) });
    } else if (outcome !== 'syntax' && outcome !== 'disposed') {
      // The next action rebuilds the isolate from the journal (a fork about to be dropped never does).
      this.#runtime?.dispose();
      const earlier = this.#journal.length;
      const note = earlier > 0
        ? `; the sandbox is restarted from its ${earlier} earlier action(s), replayed, so what this action changed is lost`
        : '; the sandbox is restarted';
      result.error = { ...result.error!, message: result.error!.message + note };
    }
    return result;
  }

  /**
   * Replaces the isolate and replays the journal into it. Resolves to null when the state was
   * rebuilt, or to why not: the sandbox then starts empty, with an empty journal.
   */
  async #rebuild(): Promise<string | null> {
    this.#runtime?.dispose();
    this.#runtime = await this.#spawn();
    try {
      await this.#replay(this.#journal);
      return null;
    } catch (e) {
      this.#runtime.dispose();
      this.#runtime = await this.#spawn();
      this.#journal = [];
      return messageOf(e);
    }
  }

  async #execute(code: string, now: number, onTool: ToolHandler, timeoutMs: number, started?: (start: number) => void):
      Promise<{ result: ActionResult; outcome: Outcome['t'] | 'disposed' }> {
    const runtime = this.#runtime!;
    runtime.onTool = onTool;
    const { code: script, asyncCode } = rewrite(code);
    const start = performance.now();
    let outcome: Outcome;
    // Loading mathjs takes a few hundred ms: it does not count against the action's time.
    const mathFailure = /\bmath\b/.test(code) ? await runtime.loadMath() : null;
    if (mathFailure !== null) {
      outcome = { t: 'broken', message: mathFailure };
    } else {
      started?.(performance.now());
      outcome = await runtime.exec([script, ...asyncCode].map((c) => c + SOURCE_URL), this.opts.maxOutputChars, timeoutMs, now);
    }
    const report = 'report' in outcome ? outcome.report : null;
    const result: ActionResult = {
      output: report ? this.#output(report) : '',
      value: report?.value == null ? null : neutralize(report.value),
      finalAnswer: report?.final == null ? null : { value: report.final },
      error: this.#disposed ? { kind: 'disposed', message: 'the sandbox was disposed while the action ran', line: null } : this.#error(outcome, timeoutMs),
      durationMs: performance.now() - start,
      toolCalls: [],
    };
    return { result, outcome: this.#disposed ? 'disposed' : outcome.t };
  }

  /** The action's error, from how it ended (never from what its code says about itself). */
  #error(o: Outcome, timeoutMs: number): ActionError | null {
    const { memoryMb, maxOutputChars } = this.opts;
    const error = (kind: ActionError['kind'], message: string, line: number | null = null): ActionError =>
      ({ kind, message: neutralize(message), line });
    switch (o.t) {
      case 'ran': {
        const e = o.report.error;
        if (!e) return null;
        if (o.report.attempted > 10 * maxOutputChars) return error('output', `the action printed more than ${10 * maxOutputChars} characters and was stopped`);
        return error('runtime', e.message, lineOf(e.stack));
      }
      case 'waiting':
        return error('timeout', 'the action waits on a promise that nothing can settle (there are no timers, and tools answer at once), so it was stopped');
      case 'syntax': return error('syntax', o.message, o.line);
      case 'timeout': return error('timeout', `the action ran longer than ${timeoutMs} ms and was stopped`);
      case 'memory': return error('memory', `the action used more than the ${memoryMb} MB memory limit`);
      case 'stuck': return error('timeout', 'the sandbox was still busy with code an earlier action left running, and was stopped before this action ran');
      case 'broken': return error('runtime', o.message);
      case 'died':
        return o.end === 'crashed'
          ? error('memory', `the sandbox process crashed while the action ran (V8 ends it when an isolate runs out of memory: the ${memoryMb} MB limit)`)
          : o.end === 'hung'
            ? error('timeout', `the sandbox process stopped answering after the action's ${timeoutMs} ms limit and was killed`)
            : error('timeout', 'the sandbox process was restarted because another sandbox in it stopped answering');
    }
  }

  #output(report: Report): string {
    const cut = report.attempted - report.output.length;
    const output = neutralize(report.output);
    return cut > 0 ? `${output}\n[output truncated: ${cut} more characters were not shown]` : output;
  }
}
