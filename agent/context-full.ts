import { ContextFullError } from '../engine/index.ts';

export { ContextFullError };

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
