import { isAbstention } from './abstain.ts';
import { allNumbers, asNumber, lastNumber, normalizeAnswer } from './normalize.ts';

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

/** Gold answers of a dataset row: GSM8K's `#### 42`, or `answer` plus `answer_aliases`; [] when the documents do not answer it. */
export function goldOf(row: { answer?: unknown; answer_aliases?: unknown }): string[] {
  const answer = String(row.answer ?? '');
  const gsm = /####\s*(.+)\s*$/.exec(answer);
  const aliases = Array.isArray(row.answer_aliases) ? row.answer_aliases.map(String) : [];
  return [gsm ? gsm[1]!.trim() : answer.trim(), ...aliases].filter(Boolean);
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

const sameNumber = (a: number, b: number) => Math.abs(a - b) < 1e-6 * Math.max(1, Math.abs(a));
/** More numbers than this in one answer reads as a list to pick from, not an answer. */
const MAX_NUMBERS = 3;

function containsPhrase(text: string, phrase: string): boolean {
  const p = normalizeAnswer(phrase);
  return p !== '' && ` ${normalizeAnswer(text)} `.includes(` ${p} `);
}

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
