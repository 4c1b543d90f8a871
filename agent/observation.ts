import type { ActionResult } from '../sandbox/index.ts';

const MAX_OBSERVATION = 4000;

function clip(s: string): string {
  return s.length <= MAX_OBSERVATION ? s : `${s.slice(0, MAX_OBSERVATION)}\n…(${s.length - MAX_OBSERVATION} more characters cut)`;
}

/** What the model sees after its code ran: captured logs and the last value, or the error with a retry hint. */
export function observationOf(r: ActionResult): string {
  const logs = r.output.trim() ? `Execution logs:\n${r.output.trimEnd()}\n` : '';
  if (r.error) {
    const where = r.error.line ? ` (line ${r.error.line})` : '';
    return clip(
      `${logs}Error${where}: ${r.error.kind} error: ${r.error.message}\n` +
        'Now let us retry: take care not to repeat the previous error. Fix the code, or try a different approach.',
    );
  }
  if (r.finalAnswer) return clip(`${logs}Final answer: ${r.finalAnswer.value}`);
  const last = r.value === null ? '' : `Last output from code snippet:\n${r.value}`;
  return clip(`${logs}${last}`.trim() || 'The code ran and printed nothing. Use print(...) to see values, or final_answer(...) to answer.');
}
