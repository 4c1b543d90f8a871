/** SQuAD-style answer normalization: case, punctuation, articles and spacing don't count; numbers compare by value. */
export function normalizeAnswer(s: string): string {
  const t = s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s.]/gu, ' ')
    .replace(/\.(?!\d)/g, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const n = Number(t.replace(/ /g, ''));
  return t !== '' && Number.isFinite(n) ? String(n) : t;
}

export function sameAnswer(a: string, b: string): boolean {
  return normalizeAnswer(a) === normalizeAnswer(b);
}
