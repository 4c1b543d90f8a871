/**
 * The conversation no longer fits the model's context (prompt plus room for the reply). The model
 * adapter throws it before generating anything; the agent loop ends the run with outcome
 * `context_full` and keeps the steps done so far.
 */
export class ContextFullError extends Error {
  override readonly name = 'ContextFullError';

  constructor(
    /** Tokens of the rendered conversation. */
    readonly promptTokens: number,
    /** The reply's token budget that had to fit after it. */
    readonly replyTokens: number,
    readonly contextSize: number,
  ) {
    super(`the conversation (${promptTokens} tokens) no longer fits the model's context (${contextSize}) with room for a ${replyTokens}-token reply`);
  }
}

/**
 * The ContextFullError behind an error, if any: the error itself or one of its causes (the local
 * teacher's goes through langchain and comes back wrapped as the cause of a TeacherUnavailableError).
 */
export function contextFullOf(e: unknown): ContextFullError | null {
  for (let cur = e, depth = 0; cur && depth < 8; cur = (cur as { cause?: unknown }).cause, depth++) {
    if (cur instanceof ContextFullError) return cur;
  }
  return null;
}
