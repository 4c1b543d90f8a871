import path from 'node:path';
import { createTeacher, runTeacher, type Teacher } from '../agent/index.ts';
import type { Config } from '../config/index.ts';
import type { Chunk, Retriever } from '../retrieval/index.ts';
import { bootstrapDir, openBootstrapCache, type BootstrapQuestion, type BootstrapRun, type QuestionKind } from './bootstrap-cache.ts';
import { judgeRun } from './bootstrap-judge.ts';
import { KINDS, planTasks, type BootstrapTask } from './bootstrap-plan.ts';
import { writeQuestion } from './bootstrap-write.ts';
import { NoTeacherError } from './generate.ts';
import { jobConfig } from './job-config.ts';
import { acquireLock } from './lock.ts';

export class BootstrapError extends Error {
  readonly userFacing = true;
}

export interface BootstrapOptions {
  collection: string;
  /** Tasks of the collection's plan to finish (default `distill.bootstrap.questions`). */
  questions?: number;
  /** Lists the chunks and is the teacher agent's `search`. */
  retriever: Retriever;
  /** Default: the configured teacher, loaded only when there is work not yet cached. */
  teacher?: Teacher;
  /** After each task (and once before the first): tasks done of the plan. */
  onProgress?: (done: number, total: number) => void;
  /** A task whose teacher call failed (an outage, a timeout): not cached, so a rerun retries it. */
  onError?: (task: BootstrapTask, e: Error) => void;
}

export interface KindSummary {
  asked: number;
  written: number;
  dropped: Record<string, number>;
  answered: number;
  kept: number;
}

export interface BootstrapSummary {
  collection: string;
  chunks: number;
  /** Documents of the planned tasks, by split. */
  documents: { train: number; heldOut: number };
  byKind: Record<QuestionKind, KindSummary>;
  /** Kept questions by split: training trajectories, and the gate's in-domain questions. */
  kept: { train: number; heldOut: number };
  /** Work this run did (the rest came from the cache). */
  new: { questions: number; runs: number; failed: number; seconds: number };
  dir: string;
}

const PAGE = 1000;

async function allChunks(retriever: Retriever, collection: string): Promise<Chunk[]> {
  const out: Chunk[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await retriever.chunks(collection, { limit: PAGE, offset });
    out.push(...page);
    if (page.length < PAGE) return out;
  }
}

function summarize(collection: string, chunks: number, tasks: BootstrapTask[], questions: Map<string, BootstrapQuestion>, runs: Map<string, BootstrapRun>, fresh: BootstrapSummary['new'], dir: string): BootstrapSummary {
  const byKind = Object.fromEntries(KINDS.map((k) => [k, { asked: 0, written: 0, dropped: {}, answered: 0, kept: 0 }])) as Record<QuestionKind, KindSummary>;
  const kept = { train: 0, heldOut: 0 };
  const docs = { train: new Set<string>(), heldOut: new Set<string>() };
  for (const t of tasks) {
    const s = byKind[t.kind];
    for (const c of t.chunks) docs[t.split].add(c.source);
    const q = questions.get(t.id);
    if (!q) continue;
    s.asked++;
    if (q.dropped) s.dropped[q.dropped] = (s.dropped[q.dropped] ?? 0) + 1;
    else s.written++;
    const r = runs.get(t.id);
    if (!r) continue;
    s.answered++;
    if (r.kept) {
      s.kept++;
      kept[t.split]++;
    } else s.dropped[r.dropped!] = (s.dropped[r.dropped!] ?? 0) + 1;
  }
  return { collection, chunks, documents: { train: docs.train.size, heldOut: docs.heldOut.size }, byKind, kept, new: fresh, dir };
}

/**
 * `distill bootstrap`: the teacher writes questions from a collection's own chunks (single-hop,
 * two-document, arithmetic, unanswerable), answers each as an agent over the collection, and a
 * trajectory is kept by judgeRun. Questions from held-out documents are the gate's in-domain
 * set; the others train. Everything done is cached in `<dataDir>/bootstrap/<collection>/`.
 */
export async function bootstrap(config: Config, opts: BootstrapOptions): Promise<BootstrapSummary> {
  const settings = config.distill.bootstrap;
  if (KINDS.every((k) => settings.kinds[k] <= 0)) throw new BootstrapError('distill.bootstrap.kinds gives every question kind a weight of 0');
  const { collection } = opts;
  const chunks = await allChunks(opts.retriever, collection);
  if (chunks.length === 0) throw new BootstrapError(`collection "${collection}" has no chunks; ingest documents into it first (understudy ingest <paths> --collection ${collection})`);
  const tasks = planTasks(chunks, { count: opts.questions ?? settings.questions, heldOutDocShare: settings.heldOutDocShare, kinds: settings.kinds });
  if (tasks.length === 0) throw new BootstrapError(`collection "${collection}" has no chunk long enough to write a question from`);

  const dir = bootstrapDir(config, collection);
  const release = acquireLock(path.join(dir, 'bootstrap.lock'));
  const cache = openBootstrapCache(config, collection);
  const cfg = jobConfig(config);
  const isDone = (t: BootstrapTask) => {
    const q = cache.questions.get(t.id);
    return q !== undefined && (q.question === undefined || cache.runs.has(t.id));
  };
  const fresh = { questions: 0, runs: 0, failed: 0, seconds: 0 };
  const started = performance.now();
  let teacher = opts.teacher ?? null;
  try {
    if (!teacher && tasks.some((t) => !isDone(t))) {
      teacher = await createTeacher(cfg);
      if (!teacher) throw new NoTeacherError("distill bootstrap needs a teacher; teacher.provider is 'none'");
    }
    let done = tasks.filter(isDone).length;
    opts.onProgress?.(done, tasks.length);
    for (const task of tasks) {
      if (isDone(task)) continue;
      try {
        let q = cache.questions.get(task.id);
        if (!q) {
          const t0 = performance.now();
          const written = await writeQuestion(teacher!, task, cfg.teacher.timeoutMs);
          q = { id: task.id, kind: task.kind, collection, chunkIds: task.chunks.map((c) => c.chunkId), sources: task.chunks.map((c) => c.source), split: task.split, ...written, ms: Math.round(performance.now() - t0) };
          cache.addQuestion(q);
          fresh.questions++;
        }
        if (q.question !== undefined) {
          const { run, firstThought } = await runTeacher(cfg, opts.retriever, teacher!, { question: q.question, collection }, cfg.distill.firstThought);
          const dropped = judgeRun(run, q.answer ?? null);
          cache.addRun({
            id: task.id, steps: run.steps, finalAnswer: run.finalAnswer, outcome: run.outcome, latencyMs: run.latencyMs, completionTokens: run.completionTokens,
            firstThought, model: teacher!.name, kept: dropped === undefined, ...(dropped ? { dropped } : {}),
          });
          fresh.runs++;
        }
      } catch (e) {
        fresh.failed++;
        opts.onError?.(task, e as Error);
      }
      if (isDone(task)) done++;
      opts.onProgress?.(done, tasks.length);
    }
  } finally {
    if (!opts.teacher) await teacher?.close();
    release();
  }
  fresh.seconds = (performance.now() - started) / 1000;
  return summarize(collection, chunks.length, tasks, cache.questions, cache.runs, fresh, dir);
}
