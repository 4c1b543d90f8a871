import type { Config } from '../config/index.ts';
import { loadModel } from '../models/index.ts';
import { answerMatches } from './answers.ts';
import { runLoop } from './agent-loop.ts';
import { studentPrompt } from './prompts.ts';
import type { PoolQuestion } from './questions.ts';

export interface EvalItem {
  question: string;
  reference: string;
  answer: string | null;
  correct: boolean;
  steps: number;
  latencyMs: number;
}

export interface EvalSummary {
  adapter: string | null;
  n: number;
  accuracy: number;
  /** Share of questions with no final answer (max steps or no parsable action). */
  abstention: number;
  avgSteps: number;
  avgLatencyMs: number;
  items: EvalItem[];
}

/**
 * Runs the student (with `adapter`, or bare) as a code agent over the questions, greedy, and
 * grades the answers. This is the gate's harness: the real model and the real GGUF adapter.
 */
export async function evaluate(config: Config, adapter: string | null, questions: PoolQuestion[]): Promise<EvalSummary> {
  const model = await loadModel(config, config.models.student);
  const context = await model.createContext({
    contextSize: Math.min(config.models.contextSize, 4096),
    ...(config.distill.threads ? { threads: config.distill.threads } : {}),
    ...(adapter ? { lora: { adapters: [{ filePath: adapter }] } } : {}),
  });
  const items: EvalItem[] = [];
  try {
    const sequence = context.getSequence();
    for (const q of questions) {
      const r = await runLoop(config, sequence, { systemPrompt: studentPrompt(config), question: q.question });
      items.push({ question: q.question, reference: q.answer, answer: r.finalAnswer, correct: answerMatches(r.finalAnswer, q.answer), steps: r.steps.length, latencyMs: r.latencyMs });
    }
  } finally {
    await context.dispose();
  }
  const n = items.length || 1;
  const mean = (f: (i: EvalItem) => number) => items.reduce((s, i) => s + f(i), 0) / n;
  return {
    adapter, n: items.length,
    accuracy: mean((i) => Number(i.correct)),
    abstention: mean((i) => Number(i.answer === null)),
    avgSteps: mean((i) => i.steps),
    avgLatencyMs: mean((i) => i.latencyMs),
    items,
  };
}
