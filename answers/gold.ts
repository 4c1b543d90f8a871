/** A GSM8K answer split at its `#### N` line: the worked solution and the reference; null without one. */
export function gsm8kParts(answer: string): { work: string; reference: string } | null {
  const i = answer.lastIndexOf('####');
  return i < 0 ? null : { work: answer.slice(0, i).trim(), reference: answer.slice(i + 4).trim() };
}

/** The reference answer: GSM8K's `#### 72` reduced to `72`, any other answer as it is. */
export function referenceAnswer(answer: string): string {
  return gsm8kParts(answer)?.reference ?? answer.trim();
}

/** Gold answers of a dataset row: its reference answer plus `answer_aliases`; [] when the documents do not answer it. */
export function goldOf(row: { answer?: unknown; answer_aliases?: unknown }): string[] {
  const aliases = Array.isArray(row.answer_aliases) ? row.answer_aliases.map(String) : [];
  return [referenceAnswer(String(row.answer ?? '')), ...aliases].filter(Boolean);
}
