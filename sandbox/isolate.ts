// One isolate with its context and the in-isolate runtime (isolate-runtime.js). It lives in the
// sandbox process (worker.ts): a V8 out-of-memory abort there cannot take the application down.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ivm from 'isolated-vm';
import type { RawReport } from './protocol.ts';
import { SCOPE } from './rewrite.ts';

const RUNTIME_SOURCE = readFileSync(new URL('./isolate-runtime.js', import.meta.url), 'utf8');
let mathSource: string | undefined;
/** Extra wall time before a stuck isolate is disposed from outside (isolated-vm's own timeout failed). */
const BACKSTOP_MS = 2000;
const MATH_LOAD_TIMEOUT_MS = 20_000;
const WAIT_GRACE_MS = 50;

/** Forwards a tool call (name, arguments as JSON) and resolves to 'o' + result JSON or 'e' + message. */
export type ToolForwarder = (name: string, json: string) => Promise<string>;

export class IsolateRuntime {
  #mathLoaded = false;

  private constructor(
    readonly isolate: ivm.Isolate,
    private readonly context: ivm.Context,
    private readonly runner: ivm.Reference,
    private readonly collector: ivm.Reference,
  ) {}

  static async create(memoryMb: number, toolNames: string[], seed: number, forward: ToolForwarder): Promise<IsolateRuntime> {
    const isolate = new ivm.Isolate({ memoryLimit: memoryMb });
    try {
      const context = await isolate.createContext();
      const callTool = new ivm.Reference(forward);
      const boot = await context.eval(RUNTIME_SOURCE, { reference: true, filename: '<understudy>' });
      const api = await boot.apply(undefined, [callTool, new ivm.ExternalCopy(toolNames).copyInto(), SCOPE, seed], {
        result: { reference: true },
        timeout: 5000,
      }) as ivm.Reference;
      const runner = await api.get('run', { reference: true });
      const collector = await api.get('collect', { reference: true });
      return new IsolateRuntime(isolate, context, runner, collector);
    } catch (e) {
      isolate.dispose();
      throw e;
    }
  }

  get alive(): boolean {
    return !this.isolate.isDisposed;
  }

  /** Runs code (a script, or with isAsync an async wrapper from rewrite()) and parses the report. */
  async exec(code: string, isAsync: boolean, maxOutput: number, timeoutMs: number): Promise<RawReport> {
    const backstop = setTimeout(() => this.dispose(), timeoutMs + BACKSTOP_MS);
    // isolated-vm's timeout only counts running code; an action waiting on a promise that never
    // settles is given up here (the isolate is idle, so it stays usable).
    let waiting: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      waiting = setTimeout(() => reject(new Error('Script execution timed out.')), timeoutMs + WAIT_GRACE_MS);
    });
    try {
      const run = this.runner.apply(undefined, [code, isAsync, maxOutput], {
        timeout: timeoutMs,
        result: { promise: true, copy: true },
      }) as Promise<string>;
      return JSON.parse(await Promise.race([run, late])) as RawReport;
    } finally {
      clearTimeout(backstop);
      clearTimeout(waiting);
    }
  }

  /** The output and final answer of an action that was stopped from outside. */
  async collect(): Promise<RawReport | null> {
    if (!this.alive) return null;
    try {
      return JSON.parse(await this.collector.apply(undefined, [], { timeout: 1000, result: { copy: true } }) as string) as RawReport;
    } catch {
      return null;
    }
  }

  /** The compiler's message and line for code that does not parse. */
  async syntaxError(code: string): Promise<{ message: string; line: number | null } | null> {
    try {
      await this.isolate.compileScript(code, { filename: 'action.js' });
      return null;
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      const at = /\s*\[action\.js:(\d+):(\d+)\]$/.exec(text);
      return { message: `SyntaxError: ${at ? text.slice(0, at.index) : text}`, line: at ? Number(at[1]) : null };
    }
  }

  /** Loads mathjs as the global `math` the first time an action mentions it. */
  async ensureMath(): Promise<void> {
    if (this.#mathLoaded) return;
    mathSource ??= readFileSync(createRequire(import.meta.url).resolve('mathjs/lib/browser/math.js'), 'utf8');
    const script = await this.isolate.compileScript(mathSource, { filename: 'math.js' });
    await script.run(this.context, { timeout: MATH_LOAD_TIMEOUT_MS });
    this.#mathLoaded = true;
  }

  dispose(): void {
    if (this.alive) this.isolate.dispose();
  }
}
