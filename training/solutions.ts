import { gsm8kParts } from '../answers/index.ts';
import { evalArithmetic } from './arithmetic.ts';
import type { GeneratedRecord } from './generate.ts';

const CALC = /<<([^=>]+)=([^>]*)>>/g;

/**
 * A worked GSM8K solution as a two-step code-action trajectory: its `<<expr=value>>` calculator
 * annotations become JavaScript that prints the result, then `final_answer`. A cheap seed set
 * that needs no teacher run (`distill generate --from-solutions`); null when an annotation is not
 * plain arithmetic or the code would not reproduce the reference.
 */
export function solutionTrajectory(question: string, solution: string): GeneratedRecord | null {
  const { work, reference } = gsm8kParts(solution) ?? {};
  if (!work || !reference) return null;
  const lines: string[] = [];
  let last: number | null = null;
  let n = 0;
  for (const sentence of work.split('\n')) {
    const calcs = [...sentence.matchAll(CALC)];
    const prose = sentence.replace(CALC, '').trim();
    if (prose) lines.push(`// ${prose}`);
    for (const [, expr] of calcs) {
      last = evalArithmetic(expr!);
      if (last === null) return null;
      lines.push(`const v${++n} = ${expr!.trim()};`);
    }
  }
  const answer = Number(reference.replace(/,/g, ''));
  if (n === 0 || last === null || !Number.isFinite(answer) || Math.abs(last - answer) > 1e-6) return null;
  lines.push(`print(v${n});`);
  const steps = [
    { index: 0, thought: 'I will compute the quantities step by step and print the result.', code: lines.join('\n'), observation: String(last), error: null, latencyMs: 0, promptTokens: 0, completionTokens: 0 },
    { index: 1, thought: `The result is ${answer}.`, code: `final_answer(${answer});`, observation: '', error: null, latencyMs: 0, promptTokens: 0, completionTokens: 0 },
  ];
  return { question, answer: String(answer), steps, finalAnswer: String(answer), outcome: 'final', latencyMs: 0, completionTokens: 0, firstThought: null, model: 'gsm8k-solution', kept: true };
}
