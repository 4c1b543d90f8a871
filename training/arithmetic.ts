const ARITH = /^[\d\s+\-*/().]+$/;

/** The value of a plain arithmetic expression (digits, + - * / and parentheses), or null for anything else. */
export function evalArithmetic(expr: string): number | null {
  if (!ARITH.test(expr)) return null;
  try {
    const v = Function(`"use strict"; return (${expr});`)() as unknown;
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}
