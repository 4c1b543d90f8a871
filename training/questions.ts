import { readFileSync } from 'node:fs';
import { referenceAnswer } from '../answers/index.ts';

export interface PoolQuestion {
  question: string;
  answer: string;
}

/** A question pool: JSONL of `{question, answer}` (GSM8K's `#### N` answers are reduced to N). */
export function readQuestions(file: string, offset = 0, limit = Infinity): PoolQuestion[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .slice(offset, offset + limit)
    .map((l) => {
      const r = JSON.parse(l) as { question: string; answer: string };
      return { question: r.question, answer: referenceAnswer(String(r.answer)) };
    });
}
