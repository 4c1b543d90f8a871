// One isolate with its context and the in-isolate runtime (isolate-runtime.js). It lives in the
// sandbox process (worker.ts): a V8 out-of-memory abort there cannot take the application down.
//
// Every call into the isolate runs under a deadline; an isolate that misses one is disposed, and
// if even that does not stop it, the whole process exits (its other isolates are replayed).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ivm from 'isolated-vm';
import { ANSWER_MS, BACKSTOP_MS, BOOT_MS, COLLECT_MS, MATH_LOAD_MS, MAX_MESSAGE, MAX_STACK, MAX_TOOL_ARGS,
  type ExecOutcome, type Report } from './protocol.ts';
import { readReport } from './report.ts';
import { SCOPE } from './rewrite.ts';

const RUNTIME_SOURCE = readFileSync(new URL('./isolate-runtime.js', import.meta.url), 'utf8');
let mathSource: string | undefined;
/** How long a disposed isolate's pending call may take to end before the process exits. */
const WEDGED_MS = 3000;
const EXIT_WEDGED = 70;

/** Forwards a tool call (name, arguments as JSON) and resolves to 'o' + result JSON or 'e' + message. */
export type ToolForwarder = (name: string, json: string) => Promise<string>;

const LATE = Symbol('late');
type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown } | typeof LATE;

function messageOf(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.length <= MAX_MESSAGE ? text : text.slice(0, MAX_MESSAGE);
}

export class IsolateRuntime {
  #mathLoaded = false;
  #disposedByUs = false;
  #lastId = 0;

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
      const args = [callTool, new ivm.ExternalCopy(toolNames).copyInto(), SCOPE, seed,
        new ivm.ExternalCopy({ message: MAX_MESSAGE, stack: MAX_STACK, toolArgs: MAX_TOOL_ARGS }).copyInto()];
      const api = await boot.apply(undefined, args, { result: { reference: true }, timeout: BOOT_MS }) as ivm.Reference;
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

  /**
   * Runs one action: the first of `candidates` (the code, then its async wrappers from rewrite())
   * that compiles. What happened is decided from facts seen here: whether compilation failed,
   * whether the isolate is gone and who disposed it, whether the time limit had passed, and
   * whether the runtime's own report says the action ended.
   */
  async exec(candidates: string[], maxOutput: number, timeoutMs: number, now: number): Promise<ExecOutcome> {
    const picked = await this.#pick(candidates);
    if (picked === LATE) return this.#disposedByUs ? { t: 'stuck' } : { t: 'memory' };
    if (typeof picked !== 'number') return { t: 'syntax', ...picked };
    const id = ++this.#lastId;
    const start = performance.now();
    const run = this.runner.apply(undefined, [id, candidates[picked], picked > 0, maxOutput, now], {
      timeout: timeoutMs,
      arguments: { copy: true },
      result: { copy: true },
    });
    const ran = await this.#within(run, timeoutMs + BACKSTOP_MS);
    if (ran === LATE || !this.alive) return this.#gone();
    // A rejection at the limit is isolated-vm's timer; one before it is the action's own unhandled
    // rejection (whatever its message says), which changes nothing.
    const overran = !ran.ok && performance.now() - start >= timeoutMs;
    const report = await this.#collect(id, maxOutput);
    if (report === 'malformed') return { t: 'broken', message: 'the sandbox runtime returned a malformed report' };
    if (report === null) return this.#gone();
    if (overran) return this.#timeout(report);
    return report.ended ? { t: 'ran', report } : { t: 'waiting', report };
  }

  /** Loads mathjs as the global `math`; resolves to why it failed (the isolate is then disposed), or null. */
  async loadMath(): Promise<string | null> {
    if (this.#mathLoaded) return null;
    mathSource ??= readFileSync(createRequire(import.meta.url).resolve('mathjs/lib/browser/math.js'), 'utf8');
    const loaded = await this.#within((async () => {
      const script = await this.isolate.compileScript(mathSource!, { filename: 'math.js' });
      await script.run(this.context, { timeout: MATH_LOAD_MS });
      script.release();
    })(), MATH_LOAD_MS + BACKSTOP_MS);
    if (loaded !== LATE && loaded.ok) {
      this.#mathLoaded = true;
      return null;
    }
    this.#kill();
    return `mathjs could not be loaded: ${loaded === LATE ? 'it took too long' : messageOf(loaded.error)}`;
  }

  dispose(): void {
    this.#disposedByUs = true;
    if (this.alive) this.isolate.dispose();
  }

  /** An action that ran past its limit leaves a state no replay can rebuild: the isolate goes. */
  #timeout(report: Report | null): ExecOutcome {
    this.#kill();
    return { t: 'timeout', report };
  }

  /** The outcome once the isolate is gone: our disposal is a time-out, isolated-vm's is the memory limit. */
  #gone(): ExecOutcome {
    return this.#disposedByUs ? { t: 'timeout', report: null } : { t: 'memory' };
  }

  /** The index of the first candidate that compiles, else the last one's compile error. */
  async #pick(candidates: string[]): Promise<number | { message: string; line: number | null } | typeof LATE> {
    let failure = { message: 'SyntaxError', line: null as number | null };
    for (const [i, code] of candidates.entries()) {
      const compiled = await this.#within(this.isolate.compileScript(code, { filename: 'action.js' }), ANSWER_MS);
      if (compiled === LATE) return LATE;
      if (compiled.ok) {
        compiled.value.release();
        return i;
      }
      if (!this.alive) return LATE;
      const text = messageOf(compiled.error);
      const at = /\s*\[action\.js:(\d+):(\d+)\]$/.exec(text);
      failure = { message: `SyntaxError: ${at ? text.slice(0, at.index) : text}`, line: at ? Number(at[1]) : null };
    }
    return failure;
  }

  /** Action `id`'s checked report; null when the isolate did not answer (it is then gone), 'malformed' when it is not valid. */
  async #collect(id: number, maxOutput: number): Promise<Report | null | 'malformed'> {
    const got = await this.#within(this.collector.apply(undefined, [id], { timeout: COLLECT_MS, result: { copy: true } }), COLLECT_MS + BACKSTOP_MS);
    if (got === LATE || !got.ok) {
      if (this.alive) this.#kill();
      return null;
    }
    const report = readReport(got.value, maxOutput);
    if (!report) this.#kill();
    return report ?? 'malformed';
  }

  /** `work`, or LATE once `ms` have passed; a late isolate is killed. */
  async #within<T>(work: Promise<T>, ms: number): Promise<Settled<T>> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>((resolve) => { timer = setTimeout(() => resolve(LATE), ms); });
    const settled = work.then((value): Settled<T> => ({ ok: true, value }), (error: unknown): Settled<T> => ({ ok: false, error }));
    const first = await Promise.race([settled, late]);
    clearTimeout(timer);
    if (first === LATE) this.#kill(settled);
    return first;
  }

  /** Disposes the isolate; if `pending` (its current call) still has not ended soon after, exits the process. */
  #kill(pending?: Promise<unknown>): void {
    this.dispose();
    if (!pending) return;
    const exit = setTimeout(() => process.exit(EXIT_WEDGED), WEDGED_MS);
    void pending.finally(() => clearTimeout(exit));
  }
}
