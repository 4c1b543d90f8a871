import { readFileSync } from 'node:fs';
import { gradeAnswer, goldOf } from '../answers/index.ts';
import type { Config } from '../config/index.ts';
import type { LocalModel } from '../engine/index.ts';
import type { Retriever } from '../retrieval/index.ts';
import { Sandbox } from '../sandbox/index.ts';
import { deliverTeacher } from './deliver.ts';
import { citationHit, summarize, type Answered, type EvalMode, type EvalReport, type EvalRow } from './eval-report.ts';
import { docsMayAnswer } from './grounding.ts';
import type { AgentRun } from './loop.ts';
import { cotSystemPrompt } from './prompts.ts';
import { decide } from './router.ts';
import { runQuestion } from './run.ts';
import { loadStudent } from './student.ts';
import { createTeacher, invokeTeacher, type Teacher } from './teacher.ts';
import { runTeacher } from './teacher-run.ts';

export type { EvalMode, EvalReport, EvalRow } from './eval-report.ts';
export { formatReports } from './eval-report.ts';

export interface EvalItem {
  id: string;
  question: string;
  /** Accepted answers; [] for a question the documents do not answer (right = abstaining). */
  answers: string[];
  /** The documents that hold the answer (`severance.md`), for citation scores. */
  sources: string[];
  type: string | null;
}

/**
 * A JSONL file of questions with known answers: `question` + `answer` (GSM8K's `#### 42`, or text
 * with `answer_aliases`), optionally `sources`, `type` and `split` (evals/handbook.jsonl's fields).
 */
export function readDataset(file: string, opts: { limit?: number; split?: string } = {}): EvalItem[] {
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, at: i + 1 }))
    .filter((l) => l.line.trim())
    .map(({ line, at }) => {
      const row = JSON.parse(line) as { id?: unknown; question?: unknown; answer?: unknown; answer_aliases?: unknown; sources?: unknown; type?: unknown; split?: unknown };
      if (typeof row.question !== 'string') throw new Error(`${file}:${at}: no "question" field`);
      return { row, item: { id: String(row.id ?? at), question: row.question, answers: goldOf(row), sources: Array.isArray(row.sources) ? row.sources.map(String) : [], type: typeof row.type === 'string' ? row.type : null } };
    });
  const picked = opts.split ? rows.filter((r) => r.row.split === opts.split) : rows;
  if (opts.split && picked.length === 0) throw Object.assign(new Error(`${file} has no questions with "split": "${opts.split}"`), { userFacing: true });
  return picked.slice(0, opts.limit ?? picked.length).map((r) => r.item);
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

function graded(item: EvalItem, prediction: string | null, cited: string[], run: Pick<Answered, 'steps' | 'latencyMs' | 'tokens' | 'outcome'>): Answered {
  return { ...gradeAnswer(prediction, item.answers), prediction, cited, citationHit: citationHit(cited, item.sources), note: null, ...run };
}

function ofRun(item: EvalItem, run: AgentRun): Answered {
  return graded(item, run.finalAnswer, run.sources.map((s) => s.source), {
    steps: run.steps.length,
    latencyMs: run.latencyMs,
    tokens: run.promptTokens + run.completionTokens,
    outcome: run.outcome,
  });
}

/** The teacher's run as a user gets it (grounding may withhold or mark the answer); `raw` grades what it said. */
export function ofTeacher(config: Config, item: EvalItem, run: AgentRun, grounded: boolean): Answered {
  const d = deliverTeacher(run, grounded, config.router.ungrounded);
  const said = ofRun(item, run);
  if (!d.note) return said;
  const shown = graded(item, d.answer, d.abstained ? [] : said.cited, { steps: said.steps, latencyMs: said.latencyMs, tokens: said.tokens, outcome: said.outcome });
  return { ...shown, abstained: d.abstained || shown.abstained, note: d.note, raw: { ...gradeAnswer(run.finalAnswer, item.answers), prediction: run.finalAnswer } };
}

/** Runs every question in one mode and grades it; the nightly gate and `understudy eval` share this. */
export async function runEval(config: Config, o: EvalOptions): Promise<EvalReport> {
  const startedAt = new Date().toISOString();
  let student: LocalModel | null = null;
  let teacher: Teacher | null = null;
  try {
    const parallel = o.parallel ?? 1;
    const sandboxReady = o.mode === 'cot' ? undefined : Sandbox.warmUp(config.sandbox.memoryMb);
    if (o.mode === 'student' || o.mode === 'routed') student = await loadStudent(config, o.sagN, parallel);
    if (o.mode !== 'student') {
      teacher = await createTeacher(config);
      if (!teacher) throw Object.assign(new Error(`eval --mode ${o.mode} needs a teacher; teacher.provider is 'none'`), { userFacing: true });
    }
    const meta = {
      dataset: o.dataset,
      mode: o.mode,
      sagN: student ? o.sagN : 1,
      model: [student?.name, teacher?.name].filter(Boolean).join(' → '),
      adapter: student?.adapter ?? null,
      total: o.items.length,
      startedAt,
    };
    const stopped = () => (o.stop?.aborted ? String(o.stop.reason ?? 'stopped') : null);
    await sandboxReady; // started beside the model's load: the first question does not wait for it
    const began = performance.now();
    const req = (item: EvalItem, grounded: boolean) => ({ question: item.question, collection: o.collection, grounded });
    const grounded = (item: EvalItem) => docsMayAnswer(o.retriever, item.question, o.collection, config.router.relevance);
    const studentRun = (item: EvalItem, g: boolean) => runQuestion(config, o.retriever, 'student', student!, req(item, g), o.sagN);
    const asTeacher = async (item: EvalItem, g: boolean) => ofTeacher(config, item, (await runTeacher(config, o.retriever, teacher!, req(item, g), config.teacher.firstThought)).run, g);
    const answer = async (item: EvalItem): Promise<Pick<EvalRow, keyof Answered | 'routed'>> => {
      switch (o.mode) {
        case 'cot': {
          const t0 = performance.now();
          const r = await invokeTeacher(teacher!, [{ role: 'system', content: cotSystemPrompt() }, { role: 'user', content: item.question }], { timeoutMs: config.teacher.timeoutMs });
          const prediction = ANSWER_LINE.exec(r.text)?.[1]?.trim() ?? r.text.trim().split('\n').at(-1) ?? null;
          return graded(item, prediction, [], { steps: 1, latencyMs: performance.now() - t0, tokens: r.promptTokens + r.completionTokens, outcome: null });
        }
        case 'student':
          return ofRun(item, await studentRun(item, await grounded(item)));
        case 'teacher':
          return asTeacher(item, await grounded(item));
        case 'routed': {
          // RouteLLM-style: both answer every question, so teacher-only and student-only accuracy come from the same run.
          const g = await grounded(item);
          const sRun = await studentRun(item, g);
          const s = ofRun(item, sRun);
          const t = await asTeacher(item, g);
          const d = decide(sRun, config.router, config.agent.maxSteps, g);
          // As the answerer does: a teacher with no answer at all leaves the student's.
          const kept = !d.escalate || (t.prediction === null && s.prediction !== null);
          const system = kept ? s : { ...t, steps: s.steps + t.steps, latencyMs: s.latencyMs + t.latencyMs, tokens: s.tokens + t.tokens };
          return { ...system, routed: { kept, reason: d.reason, student: s, teacher: t } };
        }
      }
    };
    const row = async (item: EvalItem): Promise<EvalRow> => {
      const t0 = performance.now();
      const base = { id: item.id, question: item.question, gold: item.answers, goldSources: item.sources, type: item.type, startMs: t0 - began };
      try {
        return { ...base, ...(await answer(item)), error: null };
      } catch (e) {
        const none = graded(item, null, [], { steps: 0, latencyMs: performance.now() - t0, tokens: 0, outcome: null });
        // A failed question is neither right nor an abstention, even where the documents do not answer it.
        return { ...base, ...none, correct: false, em: false, f1: 0, abstained: false, error: (e as Error).message };
      }
    };
    // `parallel` workers take the next question as each finishes; rows stay in dataset order.
    const slots: (EvalRow | undefined)[] = [];
    const rowsSoFar = () => slots.filter((r): r is EvalRow => r !== undefined);
    let next = 0;
    const worker = async () => {
      while (next < o.items.length && !o.stop?.aborted) {
        const i = next++;
        const r = await row(o.items[i]!);
        slots[i] = r;
        o.onRow?.(r, i, summarize(meta, rowsSoFar(), stopped()));
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, o.items.length) }, worker));
    return summarize(meta, rowsSoFar(), stopped());
  } finally {
    await student?.close();
    await teacher?.close();
  }
}
