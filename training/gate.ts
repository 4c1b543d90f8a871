import type { Config } from '../config/index.ts';
import { evaluate, type EvalSummary } from './eval.ts';
import type { PoolQuestion } from './questions.ts';

export interface GateReport {
  promote: boolean;
  reasons: string[];
  margin: number;
  current: EvalSummary;
  candidate: EvalSummary;
  questions: number;
  at: string;
}

/** The promotion rule, apart from running the evals (so it can be read and tested on its own). */
export function decide(config: Config, current: EvalSummary, candidate: EvalSummary): { promote: boolean; reasons: string[] } {
  const { promoteMargin, maxRegression } = config.distill;
  const reasons: string[] = [];
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  if (candidate.accuracy < current.accuracy + promoteMargin) {
    reasons.push(`accuracy ${pct(candidate.accuracy)} is not ${pct(promoteMargin)} above the current ${pct(current.accuracy)}`);
  }
  if (candidate.abstention > current.abstention + maxRegression.abstention) {
    reasons.push(`abstention rose from ${pct(current.abstention)} to ${pct(candidate.abstention)}`);
  }
  if (candidate.avgSteps > current.avgSteps + maxRegression.avgSteps) {
    reasons.push(`average steps rose from ${current.avgSteps.toFixed(2)} to ${candidate.avgSteps.toFixed(2)}`);
  }
  if (current.avgLatencyMs > 0 && candidate.avgLatencyMs > current.avgLatencyMs * maxRegression.latencyRatio) {
    reasons.push(`latency rose from ${current.avgLatencyMs.toFixed(0)} ms to ${candidate.avgLatencyMs.toFixed(0)} ms`);
  }
  return { promote: reasons.length === 0, reasons };
}

/** Evaluates the current student and the candidate on the same questions and applies the rule. */
export async function gate(config: Config, currentAdapter: string | null, candidateAdapter: string, questions: PoolQuestion[]): Promise<GateReport> {
  const current = await evaluate(config, currentAdapter, questions);
  const candidate = await evaluate(config, candidateAdapter, questions);
  return { ...decide(config, current, candidate), margin: config.distill.promoteMargin, current, candidate, questions: questions.length, at: new Date().toISOString() };
}
