/** Question keys for de-duplication and GSM8K references (grading is agent/'s gradeAnswer). */

export function normalizeAnswer(s: string): string {
  return s.toLowerCase().replace(/[\s,$%]+/g, ' ').replace(/[.!?"'`]+$/g, '').trim();
}

/** GSM8K references end with `#### 72`. */
export function referenceAnswer(answer: string): string {
  const i = answer.lastIndexOf('####');
  return (i >= 0 ? answer.slice(i + 4) : answer).trim();
}
