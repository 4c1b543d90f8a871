import { runEval, type EvalReport, type EvalRow } from '../agent/index.ts';
import type { Config } from '../config/index.ts';
import type { Retriever } from '../retrieval/index.ts';
import type { PoolQuestion } from './questions.ts';

/** One student's score on the gate's questions: agent/'s eval report reduced to what the rule compares. */
export interface EvalSummary {
  adapter: string | null;
  n: number;
  /** Graded as `understudy eval` grades (numeric equality, else normalized exact match). */
  accuracy: number;
  /** Share of questions with no answer or an "I don't know" one. */
  abstention: number;
  avgSteps: number;
  avgLatencyMs: number;
  sagN: number;
  rows: EvalRow[];
}

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

/**
 * The config agent processes serve the student with, on `adapter` (null: the base student, which
 * `agent.studentPrompt: auto` runs with the long prompt, as the product does). `distill.threads`,
 * when set, replaces `agent.threads` for the job's host.
 */
export function studentConfig(config: Config, adapter: string | null): Config {
  const { studentAdapter: _pinned, ...models } = config.models;
  return {
    ...config,
    models: adapter ? { ...models, studentAdapter: adapter } : models,
    agent: { ...config.agent, threads: config.distill.threads || config.agent.threads },
  };
}

function summarize(r: EvalReport): EvalSummary {
  const n = r.count || 1;
  return {
    adapter: r.adapter,
    n: r.count,
    accuracy: r.em,
    abstention: r.abstained / n,
    avgSteps: r.rows.reduce((s, row) => s + row.steps, 0) / n,
    avgLatencyMs: r.meanLatencyMs,
    sagN: r.sagN,
    rows: r.rows,
  };
}

export interface GateOptions {
  /** The `search` tool's index (null: search reports itself unavailable, as in a process without Chroma). */
  retriever: Retriever | null;
  onRow?: (who: 'current' | 'candidate', row: EvalRow, index: number) => void;
}

/**
 * Runs the serving student and the candidate through agent/'s runEval (the product's agent loop,
 * SAG with `agent.sagN`, its sandbox, search tool, prompt and grading) on the same questions, then
 * applies the rule.
 */
export async function gate(config: Config, currentAdapter: string | null, candidateAdapter: string, questions: PoolQuestion[], o: GateOptions): Promise<GateReport> {
  const items = questions.map((q, i) => ({ id: String(i + 1), question: q.question, answers: [q.answer] }));
  const score = async (who: 'current' | 'candidate', adapter: string | null) => {
    const cfg = studentConfig(config, adapter);
    const report = await runEval(cfg, {
      dataset: 'gate', items, mode: 'student', sagN: cfg.agent.sagN, parallel: cfg.agent.parallel, collection: cfg.chroma.collection, retriever: o.retriever,
      onRow: (row, i) => o.onRow?.(who, row, i),
    });
    return summarize(report);
  };
  const current = await score('current', currentAdapter);
  const candidate = await score('candidate', candidateAdapter);
  return { ...decide(config, current, candidate), margin: config.distill.promoteMargin, current, candidate, questions: questions.length, at: new Date().toISOString() };
}
