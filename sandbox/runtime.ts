// The application's handle on one isolate in the sandbox process: the same operations as
// IsolateRuntime, plus the host tool handler the isolate's calls are answered by.

import type { RawReport } from './protocol.ts';
import { sandboxProcess } from './process.ts';

/** Answers one tool call; resolves to the JSON-serializable result. */
export type ToolHandler = (name: string, args: unknown[]) => Promise<unknown>;

/** How long past the action's limit the sandbox process gets before it is killed as hung. */
const HUNG_MS = 5000;

export class Runtime {
  onTool: ToolHandler = async (name) => { throw new Error(`${name}() is not available now`); };
  #alive = true;
  private readonly rid: number;

  private constructor() {
    this.rid = sandboxProcess.register({
      tool: async (name, json) => {
        try {
          const text = JSON.stringify(await this.onTool(name, JSON.parse(json) as unknown[]));
          return 'o' + (text === undefined ? 'null' : text);
        } catch (e) {
          return 'e' + (e instanceof Error ? e.message : String(e));
        }
      },
      died: () => { this.#alive = false; },
    });
  }

  static async create(memoryMb: number, toolNames: string[], seed: number): Promise<Runtime> {
    const rt = new Runtime();
    try {
      await rt.#call({ t: 'create', rid: rt.rid, memoryMb, toolNames, seed });
    } catch (e) {
      sandboxProcess.forget(rt.rid);
      throw e;
    }
    return rt;
  }

  get alive(): boolean {
    return this.#alive;
  }

  exec(code: string, isAsync: boolean, maxOutput: number, timeoutMs: number): Promise<RawReport> {
    return this.#call({ t: 'exec', rid: this.rid, code, isAsync, maxOutput, timeoutMs }, timeoutMs + HUNG_MS) as Promise<RawReport>;
  }

  async collect(): Promise<RawReport | null> {
    if (!this.#alive) return null;
    return await this.#call({ t: 'collect', rid: this.rid }).catch(() => null) as RawReport | null;
  }

  syntaxError(code: string): Promise<{ message: string; line: number | null } | null> {
    return this.#call({ t: 'syntax', rid: this.rid, code }) as Promise<{ message: string; line: number | null } | null>;
  }

  async ensureMath(): Promise<void> {
    await this.#call({ t: 'math', rid: this.rid });
  }

  dispose(): void {
    if (!this.#alive) return;
    this.#alive = false;
    sandboxProcess.forget(this.rid);
    sandboxProcess.request({ t: 'dispose', rid: this.rid }).catch(() => undefined);
  }

  async #call(msg: Parameters<typeof sandboxProcess.request>[0], killAfterMs?: number): Promise<unknown> {
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
