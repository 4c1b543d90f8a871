import { runEval, type EvalReport, type EvalRow } from '../agent/index.ts';
import type { Config } from '../config/index.ts';
import type { Retriever } from '../retrieval/index.ts';
import { jobConfig } from './job-config.ts';

export interface GateQuestion {
  question: string;
  /** Gold answers; [] for a question the documents do not answer (right means abstaining). */
  answers: string[];
  /** The collection its search runs on (default `chroma.collection`). */
  collection?: string;
  /** A held-out `distill bootstrap` question over the team's own documents. */
  inDomain?: boolean;
}

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
  /**
   * On the in-domain questions alone, graded leniently (agent/'s `correct`: the reference phrase or
   * number in the answer), since their references are short phrases from the chunks; null without any.
   */
  inDomain: { n: number; accuracy: number } | null;
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
  if (current.inDomain && candidate.inDomain && candidate.inDomain.accuracy < current.inDomain.accuracy - maxRegression.inDomain) {
    reasons.push(
      `in-domain accuracy (${candidate.inDomain.n} held-out questions from the team's documents) fell from ${pct(current.inDomain.accuracy)} to ${pct(candidate.inDomain.accuracy)}, ` +
        `more than distill.maxRegression.inDomain (${pct(maxRegression.inDomain)})`,
    );
  }
  return { promote: reasons.length === 0, reasons };
}

/**
 * The config agent processes serve the student with, on `adapter` (null: the base student, which
 * `agent.studentPrompt: auto` runs with the long prompt, as the product does). `engine.jobThreads`,
 * when set, replaces `engine.threads` for the job's host.
 */
export function studentConfig(config: Config, adapter: string | null): Config {
  const { studentAdapter: _pinned, ...models } = config.models;
  return { ...jobConfig(config), models: adapter ? { ...models, studentAdapter: adapter } : models };
}

const share = (rows: EvalRow[], f: (r: EvalRow) => number) => rows.reduce((s, r) => s + f(r), 0) / (rows.length || 1);

/** The rows of one student's eval runs (one per collection), reduced to what the rule compares. */
export function summarize(reports: EvalReport[], inDomainIds: Set<string>): EvalSummary {
  const rows = reports.flatMap((r) => r.rows);
  const inDomain = rows.filter((r) => inDomainIds.has(r.id));
  return {
    adapter: reports[0]?.adapter ?? null,
    n: rows.length,
    accuracy: share(rows, (r) => Number(r.em)),
    abstention: share(rows, (r) => Number(r.abstained)),
    avgSteps: share(rows, (r) => r.steps),
    avgLatencyMs: share(rows, (r) => r.latencyMs),
    sagN: reports[0]?.sagN ?? 0,
    inDomain: inDomain.length ? { n: inDomain.length, accuracy: share(inDomain, (r) => Number(r.correct)) } : null,
    rows,
  };
}

export interface GateOptions {
  /** The `search` tool's index (null: search reports itself unavailable, as in a process without Chroma). */
  retriever: Retriever | null;
  onRow?: (who: 'current' | 'candidate', row: EvalRow, index: number) => void;
}

/**
 * Runs the serving student and the candidate through agent/'s runEval (the product's agent loop,
 * SAG with `agent.sagN`, its sandbox, search tool, prompt and grading) on the same questions, one
 * eval per collection searched, then applies the rule.
 */
export async function gate(config: Config, currentAdapter: string | null, candidateAdapter: string, questions: GateQuestion[], o: GateOptions): Promise<GateReport> {
  const items = questions.map((q, i) => ({ id: String(i + 1), question: q.question, answers: q.answers, sources: [], type: null, collection: q.collection ?? config.chroma.collection, index: i }));
  const collections = [...new Set(items.map((it) => it.collection))];
  const inDomainIds = new Set(items.filter((it) => questions[it.index]!.inDomain).map((it) => it.id));
  const score = async (who: 'current' | 'candidate', adapter: string | null) => {
    const cfg = studentConfig(config, adapter);
    const reports: EvalReport[] = [];
    for (const collection of collections) {
      const group = items.filter((it) => it.collection === collection);
      reports.push(await runEval(cfg, {
        dataset: 'gate', items: group, mode: 'student', sagN: cfg.agent.sagN, parallel: cfg.agent.parallel, collection, retriever: o.retriever,
        onRow: (row, i) => o.onRow?.(who, row, group[i]!.index),
      }));
    }
    return summarize(reports, inDomainIds);
  };
  const current = await score('current', currentAdapter);
  const candidate = await score('candidate', candidateAdapter);
  return { ...decide(config, current, candidate), margin: config.distill.promoteMargin, current, candidate, questions: questions.length, at: new Date().toISOString() };
}
