import { asNumber } from './numbers.ts';

/** SQuAD-style answer normalization: lower case, no punctuation, articles or extra spaces. */
export function normalizeAnswer(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The key a final answer votes with: numbers compare by value, text by its normalized form. */
export function answerKey(s: string): string {
  const n = asNumber(s);
  return n === null ? normalizeAnswer(s) : `#${n}`;
}

/** The phrase stands in the text as whole words, after normalization. */
export function containsPhrase(text: string, phrase: string): boolean {
  const p = normalizeAnswer(phrase);
  return p !== '' && ` ${normalizeAnswer(text)} `.includes(` ${p} `);
}
