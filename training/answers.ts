/** Answer matching for generated data and the gate: numeric when the reference is a number. */

export function normalizeAnswer(s: string): string {
  return s.toLowerCase().replace(/[\s,$%]+/g, ' ').replace(/[.!?"'`]+$/g, '').trim();
}

function asNumber(s: string): number | null {
  const m = s.replace(/[,$\s]/g, '').match(/-?\d+(\.\d+)?/g);
  return m ? Number(m[m.length - 1]) : null;
}

export function answerMatches(predicted: string | null, reference: string): boolean {
  if (predicted == null) return false;
  const ref = normalizeAnswer(reference);
  if (/^-?[\d.]+$/.test(ref.replace(/ /g, ''))) {
    const p = asNumber(predicted);
    return p != null && Math.abs(p - Number(ref.replace(/ /g, ''))) < 1e-6;
  }
  const pred = normalizeAnswer(predicted);
  return pred === ref || (ref.length > 2 && pred.includes(ref));
}

/** GSM8K references end with `#### 72`. */
export function referenceAnswer(answer: string): string {
  const i = answer.lastIndexOf('####');
  return (i >= 0 ? answer.slice(i + 4) : answer).trim();
}
