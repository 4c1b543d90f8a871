import ivm from 'isolated-vm';

export interface RunResult {
  output: string;
  error: string | null;
  /** Set when the code called final_answer(value). */
  finalAnswer: string | null;
}

/**
 * A JavaScript sandbox for one trajectory: variables persist between steps (each step's code
 * runs in the same context), `console.log` is captured as the observation, `final_answer(x)` ends
 * the run. Used by the harness that generates teacher data and evaluates adapters.
 */
export class Sandbox {
  private readonly isolate: ivm.Isolate;
  private readonly context: ivm.Context;
  private output: string[] = [];
  private answer: string | null = null;

  constructor(private readonly opts: { memoryMb: number; timeoutMs: number; maxOutputChars: number }) {
    this.isolate = new ivm.Isolate({ memoryLimit: opts.memoryMb });
    this.context = this.isolate.createContextSync();
    const jail = this.context.global;
    jail.setSync('__log', new ivm.Callback((...args: unknown[]) => void this.output.push(args.map(String).join(' '))));
    jail.setSync('__final', new ivm.Callback((v: unknown) => void (this.answer = String(v))));
    this.context.evalSync(`
      const fmt = (v) => typeof v === 'string' ? v : JSON.stringify(v);
      globalThis.console = { log: (...a) => __log(...a.map(fmt)) };
      globalThis.print = globalThis.console.log;
      globalThis.final_answer = (v) => __final(fmt(v));
    `);
  }

  async run(code: string): Promise<RunResult> {
    this.output = [];
    let error: string | null = null;
    try {
      await this.context.eval(code, { timeout: this.opts.timeoutMs });
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    const output = this.output.join('\n').slice(0, this.opts.maxOutputChars);
    return { output, error, finalAnswer: this.answer };
  }

  dispose(): void {
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }
}
