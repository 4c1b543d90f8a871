import { readFileSync } from 'node:fs';
import type { Config } from '../config/index.ts';
import type { Retriever } from '../retrieval/index.ts';
import type { TrajectoryOutcome } from '../store/types.ts';
import { Sandbox } from '../sandbox/index.ts';
import { firstThought } from './first-thought.ts';
import { gradeAnswer, goldOf, type Grade } from './grade.ts';
import type { AgentRun } from './loop.ts';
import { cotSystemPrompt } from './prompts.ts';
import { runQuestion } from './run.ts';
import { LlamaActionModel } from './student.ts';
import { createTeacher, invokeTeacher, TeacherActionModel, type Teacher } from './teacher.ts';

export type EvalMode = 'student' | 'teacher' | 'cot';

export interface EvalItem {
  id: string;
  question: string;
  answers: string[];
}

export interface EvalRow extends Grade {
  id: string;
  question: string;
  gold: string[];
  prediction: string | null;
  steps: number;
  /** When the question started, in ms after the run's first question did (with --parallel, questions overlap). */
  startMs: number;
  latencyMs: number;
  tokens: number;
  /** How the agent run ended (`context_full`, `max_steps`…); null for `cot` and for failed questions. */
  outcome: TrajectoryOutcome | null;
  /** The exception that failed this question; the run goes on with the next one. */
  error: string | null;
}

export interface EvalReport {
  dataset: string;
  mode: EvalMode;
  sagN: number;
  model: string;
  adapter: string | null;
  /** Questions graded so far; less than `total` while the run is in progress or after it was stopped. */
  count: number;
  /** Questions the run was asked to grade (after `--limit`). */
  total: number;
  /** True when `count` < `total`: written mid-run, or the run was stopped (see `stopped`). */
  partial: boolean;
  /** Why the run stopped before its last question (e.g. 'SIGINT'); null when it did not. */
  stopped: string | null;
  /** Shares of `count`, 0..1. */
  em: number;
  f1: number;
  abstained: number;
  failed: number;
  meanLatencyMs: number;
  meanTokens: number;
  startedAt: string;
  rows: EvalRow[];
}

/** A JSONL file of questions with known answers (`question` + `answer`, GSM8K or HotpotQA/MuSiQue style). */
export function readDataset(file: string, limit?: number): EvalItem[] {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  return lines.slice(0, limit ?? lines.length).map((line, i) => {
    const row = JSON.parse(line) as { id?: unknown; question?: unknown; answer?: unknown; answer_aliases?: unknown };
    if (typeof row.question !== 'string') throw new Error(`${file}:${i + 1}: no "question" field`);
    return { id: String(row.id ?? i + 1), question: row.question, answers: goldOf(row) };
  });
}

const ANSWER_LINE = /answer:\s*(.+)\s*$/im;

export interface EvalOptions {
  dataset: string;
  items: EvalItem[];
  mode: EvalMode;
  sagN: number;
  collection?: string;
  retriever: Retriever | null;
  /** Questions answered at once (default 1); the student gets that many slots of one context, so their tokens share decode batches. */
  parallel?: number;
  /** After each question: its row, its index in `items` and the report of the rows so far (partial until the last one). */
  onRow?: (row: EvalRow, index: number, report: EvalReport) => void;
  /**
   * Once aborted, no further question starts: the current ones finish, and the report holds the
   * rows done so far, partial, with the abort reason (a string such as 'SIGINT') as `stopped`.
   */
  stop?: AbortSignal;
}

/** Runs every question in one mode and grades it; the nightly gate and `understudy eval` share this. */
export async function runEval(config: Config, o: EvalOptions): Promise<EvalReport> {
  const startedAt = new Date().toISOString();
  let student: LlamaActionModel | null = null;
  let teacher: Teacher | null = null;
  try {
    const parallel = o.parallel ?? 1;
    const sandboxReady = o.mode === 'cot' ? undefined : Sandbox.warmUp(config.sandbox.memoryMb);
    if (o.mode === 'student') student = await LlamaActionModel.create(config, 'student', o.sagN, parallel);
    else {
      teacher = await createTeacher(config);
      if (!teacher) throw Object.assign(new Error(`eval --mode ${o.mode} needs a teacher; teacher.provider is 'none'`), { userFacing: true });
    }
    const meta = {
      dataset: o.dataset,
      mode: o.mode,
      sagN: o.mode === 'student' ? o.sagN : 1,
      model: student?.name ?? teacher!.name,
      adapter: student?.adapter ?? null,
      total: o.items.length,
      startedAt,
    };
    const stopped = () => (o.stop?.aborted ? String(o.stop.reason ?? 'stopped') : null);
    await sandboxReady; // started beside the model's load: the first question does not wait for it
    const began = performance.now();
    const answer = async (item: EvalItem): Promise<EvalRow> => {
      const t0 = performance.now();
      let prediction: string | null = null;
      let steps = 0;
      let tokens = 0;
      let outcome: TrajectoryOutcome | null = null;
      let error: string | null = null;
      try {
        if (o.mode === 'cot') {
          const r = await invokeTeacher(teacher!, [
            { role: 'system', content: cotSystemPrompt() },
            { role: 'user', content: item.question },
          ], { timeoutMs: config.teacher.timeoutMs });
          prediction = ANSWER_LINE.exec(r.text)?.[1]?.trim() ?? r.text.trim().split('\n').at(-1) ?? null;
          tokens = r.promptTokens + r.completionTokens;
          steps = 1;
        } else {
          const req = { question: item.question, collection: o.collection };
          let run: AgentRun;
          if (student) run = await runQuestion(config, o.retriever, 'student', student, req, o.sagN);
          else {
            const prefix = config.teacher.firstThoughtPrefix ? await firstThought(teacher!, item.question, config.teacher.timeoutMs) : null;
            run = await runQuestion(config, o.retriever, 'teacher', new TeacherActionModel(teacher!, config.teacher.timeoutMs), req, 1, prefix);
          }
          prediction = run.finalAnswer;
          outcome = run.outcome;
          steps = run.steps.length;
          tokens = run.promptTokens + run.completionTokens;
        }
      } catch (e) {
        error = (e as Error).message;
      }
      return { id: item.id, question: item.question, gold: item.answers, prediction, steps, startMs: t0 - began, latencyMs: performance.now() - t0, tokens, outcome, error, ...gradeAnswer(prediction, item.answers) };
    };
    // `parallel` workers take the next question as each finishes; rows stay in dataset order.
    const slots: (EvalRow | undefined)[] = [];
    const rowsSoFar = () => slots.filter((r): r is EvalRow => r !== undefined);
    let next = 0;
    const worker = async () => {
      while (next < o.items.length && !o.stop?.aborted) {
        const i = next++;
        const row = await answer(o.items[i]!);
        slots[i] = row;
        o.onRow?.(row, i, summarize(meta, rowsSoFar(), stopped()));
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, o.items.length) }, worker));
    const rows = rowsSoFar();
    return summarize(meta, rows, stopped());
  } finally {
    await student?.close();
    await teacher?.close();
  }
}

type ReportMeta = Pick<EvalReport, 'dataset' | 'mode' | 'sagN' | 'model' | 'adapter' | 'total' | 'startedAt'>;

/** The report of the rows done so far. */
function summarize(meta: ReportMeta, rows: EvalRow[], stopped: string | null): EvalReport {
  const n = rows.length || 1;
  const mean = (f: (r: EvalRow) => number) => rows.reduce((a, r) => a + f(r), 0) / n;
  return {
    ...meta,
    count: rows.length,
    partial: rows.length < meta.total,
    stopped: rows.length < meta.total ? stopped : null,
    em: mean((r) => Number(r.em)),
    f1: mean((r) => r.f1),
    abstained: rows.filter((r) => r.abstained).length,
    failed: rows.filter((r) => r.error).length,
    meanLatencyMs: mean((r) => r.latencyMs),
    meanTokens: mean((r) => r.tokens),
    rows: [...rows],
  };
}

/** The report as a fixed-width table (one line per mode; several reports make a comparison). */
export function formatReports(reports: EvalReport[]): string {
  const head = ['dataset', 'mode', 'N', 'count', 'EM %', 'F1 %', 'abstained', 'failed', 'mean s/q'];
  const rows = reports.map((r) => [
    r.dataset.split('/').pop()!,
    r.mode,
    String(r.sagN),
    r.partial ? `${r.count}/${r.total}` : String(r.count),
    (100 * r.em).toFixed(1),
    (100 * r.f1).toFixed(1),
    String(r.abstained),
    String(r.failed),
    (r.meanLatencyMs / 1000).toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
