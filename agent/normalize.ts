/** SQuAD-style answer normalization: lower case, no punctuation, articles or extra spaces. */
export function normalizeAnswer(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const NUMBER = /-?\d[\d,]*(?:\.\d+)?|-?\.\d+/g;

/** Every number written in a text, in order (`$1,234.50` → 1234.5). */
export function allNumbers(s: string): number[] {
  return (s.match(NUMBER) ?? []).map((t) => Number(t.replace(/,/g, ''))).filter(Number.isFinite);
}

/** The last number written in a text, or null when there is none. */
export function lastNumber(s: string): number | null {
  return allNumbers(s).at(-1) ?? null;
}

/** A text that is only a number (with currency, %, units of one word allowed around it). */
export function asNumber(s: string): number | null {
  const t = s.trim().replace(/^[$€£]\s*/, '').replace(/\s*(%|[A-Za-z]+\.?)$/, '');
  if (!/^-?[\d,]*\.?\d+$/.test(t)) return null;
  const n = Number(t.replace(/,/g, ''));
  return Number.isFinite(n) ? n : null;
}

/** The key a final answer votes with: numbers compare by value, text by its normalized form. */
export function answerKey(s: string): string {
  const n = asNumber(s);
  return n === null ? normalizeAnswer(s) : `#${n}`;
}
