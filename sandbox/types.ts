// The sandbox's public types: the contract the agent loop codes against.

export type HostTool = (...args: unknown[]) => unknown | Promise<unknown>; // results must be JSON-serializable

export interface SandboxOptions {
  memoryMb: number;
  timeoutMs: number;
  maxOutputChars: number;
  tools: Record<string, HostTool>;
}

export interface ToolCall {
  name: string;
  args: unknown[];
  result: unknown;
}

export interface ActionError {
  kind: 'syntax' | 'runtime' | 'timeout' | 'memory' | 'output' | 'disposed';
  message: string;
  line: number | null;
}

export interface ActionResult {
  /** Everything print()/console.* wrote, capped at maxOutputChars (with a truncation note). */
  output: string;
  /** The last expression's value, stringified (JSON for objects), null if undefined. */
  value: string | null;
  /** Set when final_answer(x) was called (stringified); it stops the action. */
  finalAnswer: { value: string } | null;
  /** With the line number inside the action's code when known. */
  error: ActionError | null;
  durationMs: number;
  toolCalls: ToolCall[];
}
