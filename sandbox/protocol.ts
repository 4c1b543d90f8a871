// Messages between the application and the sandbox process (worker.ts), and the limits both use.

/** An action's report, as the in-isolate runtime built it and report.ts checked it. */
export interface Report {
  /** The action ended (its value or error is known); false while it still waits or was stopped. */
  ended: boolean;
  value: string | null;
  error: { message: string; stack: string } | null;
  output: string;
  /** Characters the action tried to print (more than `output` holds when it was cut). */
  attempted: number;
  final: string | null;
}

/** How an action ended, decided from what the sandbox process saw, never from the isolate's words. */
export type ExecOutcome =
  /** It ended within its time limit. */
  | { t: 'ran'; report: Report }
  /** It returned within its time limit but waits on a promise nothing can settle. */
  | { t: 'waiting'; report: Report }
  /** No candidate compiled: nothing ran. */
  | { t: 'syntax'; message: string; line: number | null }
  /** It ran past its time limit; the isolate was disposed. */
  | { t: 'timeout'; report: Report | null }
  /** isolated-vm disposed the isolate at its memory limit. */
  | { t: 'memory' }
  /** The isolate was busy before the action started (code an earlier action left behind); disposed. */
  | { t: 'stuck' }
  /** The isolate could not run the action (mathjs did not load, a malformed report); disposed. */
  | { t: 'broken'; message: string };

export type Request =
  | { t: 'create'; rid: number; memoryMb: number; toolNames: string[]; seed: number }
  /** `candidates`: the action's code, then its async wrappers; the first that compiles runs. */
  | { t: 'exec'; rid: number; candidates: string[]; maxOutput: number; timeoutMs: number; now: number }
  | { t: 'math'; rid: number }
  | { t: 'dispose'; rid: number };

export type ToChild = (Request & { req: number }) | { t: 'tool-reply'; call: number; reply: string };

export type ToParent =
  | { t: 'reply'; req: number; ok: boolean; value?: unknown; error?: string; alive: boolean }
  | { t: 'tool'; rid: number; call: number; name: string; json: string };

/** How long an idle isolate may take to compile an action before it counts as stuck. */
export const ANSWER_MS = 2000;
/** Extra wall time after an action's limit before the isolate is disposed from outside. */
export const BACKSTOP_MS = 2000;
/** Reading an action's report (it runs no action code, but after a time-out left-over microtasks may). */
export const COLLECT_MS = 500;
export const BOOT_MS = 5000;
export const MATH_LOAD_MS = 20_000;
/** Size limits of a report's error, beside the output limit the sandbox options set. */
export const MAX_MESSAGE = 2000;
export const MAX_STACK = 10_000;
/** The most characters a tool call's arguments may take as JSON. */
export const MAX_TOOL_ARGS = 1_000_000;

/** The longest the sandbox process may take over an exec before it must have answered. */
export function execBudgetMs(timeoutMs: number): number {
  return ANSWER_MS + timeoutMs + BACKSTOP_MS + COLLECT_MS;
}
