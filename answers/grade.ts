import { isAbstention } from './abstain.ts';
import { referenceAnswer } from './gold.ts';
import { containsPhrase, normalizeAnswer } from './normalize.ts';
import { allNumbers, asNumber, lastNumber, sameNumber } from './numbers.ts';

export interface Grade {
  /** Normalized exact match (numeric equality for numeric gold answers). */
  em: boolean;
  /** Best token F1 over the gold answers (1/0 for numeric answers). */
  f1: number;
  /**
   * Right as a user reads it: exact match, a gold answer contained in the prediction, or a gold
   * number among the prediction's few numbers. With no gold answer (a question the documents do
   * not answer), right means abstaining.
   */
  correct: boolean;
  numeric: boolean;
  abstained: boolean;
}

function tokenF1(pred: string, gold: string): number {
  const p = normalizeAnswer(pred).split(' ').filter(Boolean);
  const g = normalizeAnswer(gold).split(' ').filter(Boolean);
  if (!p.length || !g.length) return p.length === g.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of g) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of p) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      same++;
      counts.set(t, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / p.length;
  const recall = same / g.length;
  return (2 * precision * recall) / (precision + recall);
}

/** More numbers than this in one answer reads as a list to pick from, not an answer. */
const MAX_NUMBERS = 3;

export function gradeAnswer(prediction: string | null, golds: string[]): Grade {
  const abstained = isAbstention(prediction);
  if (golds.length === 0) return { em: abstained, f1: Number(abstained), correct: abstained, numeric: false, abstained };
  const pred = prediction ?? '';
  const numbers = golds.map((g) => asNumber(g.replace(/,/g, '')));
  if (numbers.every((n) => n !== null)) {
    const got = lastNumber(pred);
    const em = got !== null && numbers.some((n) => sameNumber(n!, got));
    const seen = [...new Set(allNumbers(pred))];
    const correct = em || (!abstained && seen.length <= MAX_NUMBERS && seen.some((x) => numbers.some((n) => sameNumber(n!, x))));
    return { em, f1: em ? 1 : 0, correct, numeric: true, abstained };
  }
  const em = golds.some((g) => normalizeAnswer(g) === normalizeAnswer(pred));
  const f1 = Math.max(0, ...golds.map((g) => tokenF1(pred, g)));
  const correct = em || (!abstained && golds.some((g) => containsPhrase(pred, g)));
  return { em, f1, correct, numeric: false, abstained };
}

/**
 * Whether an answer says the same as a reference, as the promotion gate scores it (gradeAnswer's
 * exact match against the reference answer): the admin dashboard's shadow accuracy uses it too.
 */
export function sameAnswer(answer: string | null, reference: string): boolean {
  return gradeAnswer(answer, [referenceAnswer(reference)]).em;
}
