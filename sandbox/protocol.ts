// Messages between the application and the sandbox process (worker.ts).

/** What the in-isolate runner reports for one action. */
export interface RawReport {
  value: string | null;
  error: { kind: 'syntax' | 'runtime' | 'output'; message: string; stack: string } | null;
  output: string;
  /** Characters the action tried to print (more than `output` holds when it was cut). */
  attempted: number;
  final: string | null;
}

export type Request =
  | { t: 'create'; rid: number; memoryMb: number; toolNames: string[]; seed: number }
  | { t: 'exec'; rid: number; code: string; isAsync: boolean; maxOutput: number; timeoutMs: number }
  | { t: 'collect'; rid: number }
  | { t: 'syntax'; rid: number; code: string }
  | { t: 'math'; rid: number }
  | { t: 'dispose'; rid: number };

export type ToChild = (Request & { req: number }) | { t: 'tool-reply'; call: number; reply: string };

export type ToParent =
  | { t: 'reply'; req: number; ok: boolean; value?: unknown; error?: string; alive: boolean }
  | { t: 'tool'; rid: number; call: number; name: string; json: string };
