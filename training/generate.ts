import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createTeacher, runTeacher, type FirstThoughtMode } from '../agent/index.ts';
import { gradeAnswer } from '../answers/index.ts';
import type { Config } from '../config/index.ts';
import type { Retriever } from '../retrieval/index.ts';
import type { LogStore, NewTrajectory, StepRecord, TrajectoryOutcome } from '../store/index.ts';
import { jobConfig } from './job-config.ts';
import type { PoolQuestion } from './questions.ts';

/** A teacher run as the distillation caches keep it (generate's and bootstrap's). */
export interface TeacherTrajectory {
  steps: StepRecord[];
  finalAnswer: string | null;
  outcome: TrajectoryOutcome;
  latencyMs: number;
  completionTokens: number;
  firstThought: string | null;
  model: string;
  /** The run passed the filter: what the SFT set takes. */
  kept: boolean;
}

export interface GeneratedRecord extends PoolQuestion, TeacherTrajectory {
  /** The teacher failed on this question (a timeout, an outage); not cached, so a rerun retries it. */
  error?: string;
}

export class NoTeacherError extends Error {
  readonly userFacing = true;
}

/**
 * Runs the teacher over a question pool the way the agent escalates to it (agent/'s runTeacher with
 * the first thought in `opts.firstThought`, any `teacher.provider`) and keeps the trajectories whose answer matches the
 * reference. Every run is appended to `cacheFile` (so an interrupted run resumes where it stopped);
 * kept ones also go to the store as distill-surface teacher trajectories.
 */
export async function generate(
  config: Config,
  pool: PoolQuestion[],
  opts: { cacheFile: string; firstThought: FirstThoughtMode; store?: LogStore; retriever?: Retriever | null; onRecord?: (r: GeneratedRecord) => void },
): Promise<GeneratedRecord[]> {
  mkdirSync(path.dirname(opts.cacheFile), { recursive: true });
  const done = new Set(existsSync(opts.cacheFile) ? readFileSync(opts.cacheFile, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as GeneratedRecord).question) : []);
  // engine.jobThreads, when set, is the job host's llama.cpp thread count (the local teacher's too).
  const cfg = jobConfig(config);
  const teacher = await createTeacher(cfg);
  if (!teacher) throw new NoTeacherError("distill generate needs a teacher; teacher.provider is 'none'");
  const out: GeneratedRecord[] = [];
  try {
    for (const q of pool) {
      if (done.has(q.question)) continue;
      const started = performance.now();
      let rec: GeneratedRecord;
      try {
        const { run, firstThought: thought } = await runTeacher(cfg, opts.retriever ?? null, teacher, { question: q.question }, opts.firstThought);
        rec = {
          ...q, steps: run.steps, finalAnswer: run.finalAnswer, outcome: run.outcome, latencyMs: run.latencyMs, completionTokens: run.completionTokens,
          firstThought: thought, model: teacher.name, kept: run.outcome === 'final' && gradeAnswer(run.finalAnswer, [q.answer]).em,
        };
      } catch (e) {
        rec = {
          ...q, steps: [], finalAnswer: null, outcome: 'error', latencyMs: performance.now() - started, completionTokens: 0,
          firstThought: null, model: teacher.name, kept: false, error: (e as Error).message,
        };
      }
      if (!rec.error) appendFileSync(opts.cacheFile, JSON.stringify(rec) + '\n');
      if (rec.kept && opts.store) await saveToStore(opts.store, rec);
      opts.onRecord?.(rec);
      out.push(rec);
    }
  } finally {
    await teacher.close();
  }
  return out;
}

async function saveToStore(store: LogStore, rec: GeneratedRecord): Promise<void> {
  const questionId = await store.createQuestion({ text: rec.question, surface: 'distill' });
  const t: NewTrajectory = {
    questionId, role: 'teacher', model: rec.model, adapter: null, firstThought: rec.firstThought, steps: rec.steps,
    finalAnswer: rec.finalAnswer, outcome: rec.outcome, latencyMs: rec.latencyMs, promptTokens: 0, completionTokens: rec.completionTokens,
  };
  await store.addTrajectory(t);
  await store.finishQuestion(questionId, {
    status: 'answered', route: 'teacher', reason: 'distill-generate', answer: rec.finalAnswer, abstained: false,
    unverified: false, sources: [], latencyMs: rec.latencyMs, error: null,
  });
}
