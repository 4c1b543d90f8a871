// One isolate with its context and the in-isolate runtime (isolate-runtime.js): runs rewritten
// code and answers the isolate's tool calls through a swappable host handler.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ivm from 'isolated-vm';
import { SCOPE } from './rewrite.ts';

const RUNTIME_SOURCE = readFileSync(new URL('./isolate-runtime.js', import.meta.url), 'utf8');
let mathSource: string | undefined;
/** Extra wall time before a stuck isolate is disposed from outside (isolated-vm's own timeout failed). */
const BACKSTOP_MS = 2000;
const MATH_LOAD_TIMEOUT_MS = 20_000;

export interface RawError {
  kind: 'syntax' | 'runtime' | 'output';
  message: string;
  stack: string;
}

/** What the in-isolate runner reports for one action. */
export interface RawReport {
  value: string | null;
  error: RawError | null;
  output: string;
  /** Characters the action tried to print (more than `output` holds when it was cut). */
  attempted: number;
  final: string | null;
}

/** Answers one tool call; resolves to the JSON-serializable result. */
export type ToolHandler = (name: string, args: unknown[]) => Promise<unknown>;

export class Runtime {
  onTool: ToolHandler = async (name) => { throw new Error(`${name}() is not available now`); };
  #mathLoaded = false;

  private constructor(
    readonly isolate: ivm.Isolate,
    private readonly context: ivm.Context,
    private readonly runner: ivm.Reference,
    private readonly collector: ivm.Reference,
  ) {}

  static async create(memoryMb: number, toolNames: string[], seed: number): Promise<Runtime> {
    const isolate = new ivm.Isolate({ memoryLimit: memoryMb });
    try {
      const context = await isolate.createContext();
      let self: Runtime | undefined;
      const callTool = new ivm.Reference(async (name: string, json: string): Promise<string> => {
        try {
          const result = await self!.onTool(name, JSON.parse(json) as unknown[]);
          const text = JSON.stringify(result);
          return 'o' + (text === undefined ? 'null' : text);
        } catch (e) {
          return 'e' + (e instanceof Error ? e.message : String(e));
        }
      });
      const boot = await context.eval(RUNTIME_SOURCE, { reference: true, filename: '<understudy>' });
      const api = await boot.apply(undefined, [callTool, new ivm.ExternalCopy(toolNames).copyInto(), SCOPE, seed], {
        result: { reference: true },
        timeout: 5000,
      }) as ivm.Reference;
      const runner = await api.get('run', { reference: true });
      const collector = await api.get('collect', { reference: true });
      self = new Runtime(isolate, context, runner, collector);
      return self;
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
    try {
      const text = await this.runner.apply(undefined, [code, isAsync, maxOutput], {
        timeout: timeoutMs,
        result: { promise: true, copy: true },
      }) as string;
      return JSON.parse(text) as RawReport;
    } finally {
      clearTimeout(backstop);
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
