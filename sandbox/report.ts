// Checks the report the in-isolate runtime hands over: every field's type and size, before the
// host uses any of it. The runtime caps each field itself; anything else is a malformed report.

import { MAX_MESSAGE, MAX_STACK, type Report } from './protocol.ts';

/** Room for the "… [truncated: N more characters]" note that values and answers may carry. */
const NOTE = 64;

const text = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const textOrNull = (v: unknown, max: number): v is string | null => v === null || text(v, max);

/** The report in `json`, or null when it is not one the runtime could have written. */
export function readReport(json: unknown, maxOutput: number): Report | null {
  // JSON writes a character as at most 6 ("\u0000"), so a longer text cannot hold a valid report.
  const bound = 6 * (3 * (maxOutput + NOTE) + MAX_MESSAGE + MAX_STACK) + 200;
  if (typeof json !== 'string' || json.length > bound) return null;
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (r === null || typeof r !== 'object' || typeof r.ended !== 'boolean') return null;
  const { ended, value, error, output, attempted, final } = r;
  if (!textOrNull(value, maxOutput + NOTE) || !textOrNull(final, maxOutput + NOTE) || !text(output, maxOutput)) return null;
  if (typeof attempted !== 'number' || !Number.isSafeInteger(attempted) || attempted < output.length) return null;
  if (error !== null) {
    const e = error as Record<string, unknown>;
    if (typeof e !== 'object' || !text(e.message, MAX_MESSAGE) || !text(e.stack, MAX_STACK)) return null;
  }
  if (!ended && (value !== null || error !== null)) return null;
  const checked = error as { message: string; stack: string } | null;
  return { ended, value, error: checked && { message: checked.message, stack: checked.stack }, output, attempted, final };
}
