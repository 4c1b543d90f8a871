// The application's handle on one isolate in the sandbox process: the same operations as
// IsolateRuntime, plus the host tool handler the isolate's calls are answered by.

import { BOOT_MS, BACKSTOP_MS, execBudgetMs, MATH_LOAD_MS, type ExecOutcome, type Request } from './protocol.ts';
import { ProcessEndedError, sandboxProcess, type ProcessEnd } from './process.ts';

/** Answers one tool call (arguments as JSON); resolves to the result as JSON. */
export type ToolHandler = (name: string, json: string) => Promise<string>;

/** An exec's outcome, or the end of the sandbox process while it ran. */
export type Outcome = ExecOutcome | { t: 'died'; end: ProcessEnd };

/** How long past its own limits the sandbox process gets before it is killed as hung. */
const HUNG_MS = 5000;

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class Runtime {
  onTool: ToolHandler = async (name) => { throw new Error(`${name}() is not available now`); };
  #alive = true;
  /** The sandbox process that held the isolate has ended (so there is nothing to dispose there). */
  #processEnded = false;
  #disposed = false;
  private readonly rid: number;

  private constructor() {
    this.rid = sandboxProcess.register({
      tool: async (name, json) => {
        try {
          return 'o' + await this.onTool(name, json);
        } catch (e) {
          return 'e' + (e instanceof Error ? e.message : String(e));
        }
      },
      died: () => {
        this.#alive = false;
        this.#processEnded = true;
      },
    });
  }

  static async create(memoryMb: number, toolNames: string[], seed: number): Promise<Runtime> {
    const rt = new Runtime();
    try {
      await rt.#call({ t: 'create', rid: rt.rid, memoryMb, toolNames, seed }, BOOT_MS + HUNG_MS);
    } catch (e) {
      sandboxProcess.forget(rt.rid);
      throw e;
    }
    return rt;
  }

  get alive(): boolean {
    return this.#alive;
  }

  /** Runs one action (see IsolateRuntime.exec); never rejects: the sandbox process's trouble is an outcome too. */
  async exec(candidates: string[], maxOutput: number, timeoutMs: number, now: number): Promise<Outcome> {
    try {
      const msg = { t: 'exec', rid: this.rid, candidates, maxOutput, timeoutMs, now } as const;
      return await this.#call(msg, execBudgetMs(timeoutMs) + HUNG_MS) as ExecOutcome;
    } catch (e) {
      return e instanceof ProcessEndedError ? { t: 'died', end: e.end } : { t: 'broken', message: messageOf(e) };
    }
  }

  /** Loads mathjs into the isolate; resolves to why it failed (the isolate is then not to be used), or null. */
  async loadMath(): Promise<string | null> {
    try {
      return await this.#call({ t: 'math', rid: this.rid }, MATH_LOAD_MS + BACKSTOP_MS + HUNG_MS) as string | null;
    } catch (e) {
      return messageOf(e);
    }
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#alive = false;
    sandboxProcess.forget(this.rid);
    if (!this.#processEnded) sandboxProcess.request({ t: 'dispose', rid: this.rid }, HUNG_MS).catch(() => undefined);
  }

  async #call(msg: Request, killAfterMs: number): Promise<unknown> {
    try {
      const { value, alive } = await sandboxProcess.request(msg, killAfterMs);
      this.#alive &&= alive;
      return value;
    } catch (e) {
      if (!(e as { alive?: boolean }).alive) this.#alive = false;
      throw e;
    }
  }
}
