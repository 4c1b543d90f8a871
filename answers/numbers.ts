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

/** Equal up to a relative 1e-6 (18 and 18.0000001 are the same answer). */
export const sameNumber = (a: number, b: number) => Math.abs(a - b) < 1e-6 * Math.max(1, Math.abs(a));
