import type { ActionResult } from '../sandbox/index.ts';
import type { StepRecord } from '../store/index.ts';

function sameCode(a: string, b: string): boolean {
  const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
  return squash(a) === squash(b);
}

/**
 * Why a step that gave no final answer wastes the run, or null when it does not: it repeats an
 * earlier action, it sees the observation of the step before again, or it did nothing (no tool
 * call, no output, no value, no error). A small model that does one of these keeps doing it, so
 * the loop stops at once.
 */
export function stallOf(
  earlier: StepRecord[],
  step: { code: string | null; observation: string; result: ActionResult | null },
): string | null {
  const { code, observation, result } = step;
  if (code && earlier.some((s) => s.code && sameCode(s.code, code))) return `step ${earlier.length + 1} repeated the action of an earlier step`;
  if (earlier.length && earlier.at(-1)!.observation === observation) return `step ${earlier.length + 1} got the same observation as the step before`;
  if (result && !result.error && result.toolCalls.length === 0 && !result.output.trim() && result.value === null) {
    return `step ${earlier.length + 1} did nothing (no search, no print, no answer)`;
  }
  return null;
}
