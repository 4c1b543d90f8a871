import { isAbstention } from '../answers/index.ts';
import type { Config } from '../config/index.ts';
import type { Retriever } from '../retrieval/index.ts';
import type { LogStore, QuestionDetail, QuestionOutcome, Route, SourceRef, Surface, TrajectoryRole } from '../store/index.ts';
import type { ActionModel } from './llm.ts';
import type { AgentRun } from './loop.ts';
import { deliverTeacher } from './deliver.ts';
import { docsMayAnswer } from './grounding.ts';
import { decide } from './router.ts';
import { TeacherUnavailableError, type Teacher } from './teacher.ts';
import { runTeacher } from './teacher-run.ts';
import { runQuestion, type RunRequest } from './run.ts';
import type { Answerer, AskRequest, AskResult } from './types.ts';

export interface AnswererParts {
  config: Config;
  store: LogStore;
  retriever: Retriever | null;
  student: ActionModel;
  /** Loads the teacher on first use; null when `teacher.provider` is 'none'. */
  teacher: () => Promise<Teacher | null>;
  teacherName: string | null;
  log: (line: string) => void;
}

export const APOLOGY =
  "Sorry, I couldn't find a reliable answer to this, and the teacher model could not be asked right now. Please try again later or ask a colleague.";
/** When the teacher was asked too and found nothing. */
export const NO_ANSWER =
  "Sorry, I couldn't find a reliable answer to this, even with the larger model's help. Try rephrasing the question or ask a colleague.";

/** The reason a 👎's re-ask starts with. */
const REASKED = 'a user marked the student answer 👎';

/** The router around the student and the teacher, logging every question and trajectory. */
export class AgentAnswerer implements Answerer {
  #shadows = new Set<Promise<void>>();

  constructor(private readonly p: AnswererParts) {}

  async ask(req: AskRequest): Promise<AskResult> {
    const start = performance.now();
    if (req.questionId) {
      const earlier = await this.p.store.getQuestion(req.questionId);
      if (earlier?.question.status === 'answered') return this.#stored(earlier);
    }
    const id = await this.p.store.createQuestion({ id: req.questionId, text: req.question, surface: req.surface, user: req.user ?? null, channel: req.channel ?? null });
    try {
      const result = await this.#answer(id, req, start);
      await this.p.store.finishQuestion(id, outcomeOf(result));
      return result;
    } catch (e) {
      await this.p.store
        .finishQuestion(id, { status: 'failed', route: null, reason: null, answer: null, abstained: false, unverified: false, sources: [], latencyMs: performance.now() - start, error: (e as Error).message })
        .catch(() => undefined);
      throw e;
    }
  }

  async feedback(logId: string, user: string, value: 'up' | 'down', surface: Surface, feedbackId?: string): Promise<AskResult | undefined> {
    const detail = await this.p.store.getQuestion(logId);
    const earlier = feedbackId ? detail?.feedback.find((f) => f.id === feedbackId) : undefined;
    if (detail && earlier) {
      // Delivered again: a 👎 whose re-ask finished returns its stored answer; one that did not re-asks now.
      if (value === 'down' && detail.question.reason?.startsWith(REASKED)) return this.#stored(detail);
    } else {
      const answered = detail?.trajectories.filter((t) => t.role === detail.question.route).at(-1) ?? null;
      await this.p.store.addFeedback({ id: feedbackId, questionId: logId, trajectoryId: answered?.id ?? null, user, value, surface });
    }
    if (value !== 'down' || !detail || detail.question.route !== 'student') return undefined;
    const start = performance.now();
    const result = await this.#escalate(logId, { question: detail.question.text }, REASKED, null, start);
    await this.p.store.finishQuestion(logId, outcomeOf(result));
    return result;
  }

  /** Waits for background shadow runs (at shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#shadows]);
  }

  async #answer(id: string, req: AskRequest, start: number): Promise<AskResult> {
    const allowTeacher = req.allowTeacher !== false;
    const grounded = await this.#grounded(req);
    if (req.forceTeacher && allowTeacher) return this.#escalate(id, req, 'the teacher was asked for', null, start, grounded);
    let student: AgentRun | null = null;
    let reason: string;
    let escalate: boolean;
    try {
      student = await this.#run({ ...req, grounded }, req.sagN ?? this.p.config.agent.sagN);
      await this.#log(id, 'student', this.p.student, student, null);
      ({ escalate, reason } = decide(student, this.p.config.router, this.p.config.agent.maxSteps, grounded));
    } catch (e) {
      if (req.signal?.aborted) throw e;
      escalate = true;
      reason = `the student failed: ${(e as Error).message}`;
    }
    this.p.log(`question ${id}: ${escalate ? 'escalate' : 'student answers'} (${reason})`);
    if (!escalate) {
      this.#maybeShadow(id, req);
      return this.#result(id, 'student', reason, student!, false, start);
    }
    if (!allowTeacher) return this.#fallback(id, student, `${reason}; the teacher is off for this question`, start);
    req.onProgress?.({ kind: 'escalate', reason });
    return this.#escalate(id, req, reason, student, start, grounded);
  }

  /** Whether the documents may answer this question (then answers must be grounded in them). */
  async #grounded(req: RunRequest): Promise<boolean> {
    const c = this.p.config;
    return docsMayAnswer(this.p.retriever, req.question, req.collection ?? c.chroma.collection, c.router.relevance).catch(() => false);
  }

  async #escalate(id: string, req: RunRequest, reason: string, student: AgentRun | null, start: number, grounded?: boolean): Promise<AskResult> {
    try {
      const g = grounded ?? (await this.#grounded(req));
      const run = await this.#teacherRun(id, { ...req, grounded: g }, 'teacher');
      if (!run) return this.#fallback(id, student, `${reason}; no teacher is configured`, start);
      if (run.finalAnswer === null && student?.finalAnswer) return this.#fallback(id, student, `${reason}; the teacher found no answer either`, start);
      const d = deliverTeacher(run, g, this.p.config.router.ungrounded);
      this.p.log(`question ${id}: the teacher answered (${reason})${d.note ? `; ${d.note}` : ''}`);
      const result = this.#result(id, 'teacher', d.note ? `${reason}; ${d.note}` : reason, run, d.unverified, start);
      return { ...result, answer: d.answer ?? result.answer, abstained: d.abstained, sources: d.abstained ? [] : result.sources };
    } catch (e) {
      if (!(e instanceof TeacherUnavailableError)) throw e;
      this.p.log(`question ${id}: ${e.message}`);
      return this.#fallback(id, student, `${reason}; ${e.message}`, start);
    }
  }

  /** The student's best attempt, marked unverified, or an apology when it has none. */
  #fallback(id: string, student: AgentRun | null, reason: string, start: number): AskResult {
    if (student?.finalAnswer && !isAbstention(student.finalAnswer)) return this.#result(id, 'student', reason, student, true, start);
    return { ...this.#result(id, 'student', reason, student, true, start), answer: APOLOGY, abstained: true };
  }

  async #teacherRun(id: string, req: RunRequest, role: TrajectoryRole): Promise<AgentRun | null> {
    const teacher = await this.p.teacher().catch((e: Error) => {
      throw new TeacherUnavailableError(`the teacher could not be loaded: ${e.message}`);
    });
    if (!teacher) return null;
    const { run, model, firstThought } = await runTeacher(this.p.config, this.p.retriever, teacher, req, this.p.config.teacher.firstThought);
    await this.#log(id, role, model, run, firstThought);
    return run;
  }

  #run(req: RunRequest, n: number): Promise<AgentRun> {
    return runQuestion(this.p.config, this.p.retriever, 'student', this.p.student, req, n);
  }

  async #log(questionId: string, role: TrajectoryRole, model: ActionModel, run: AgentRun, firstThought: string | null): Promise<void> {
    await this.p.store.addTrajectory({
      questionId,
      role,
      model: model.name,
      adapter: model.adapter,
      firstThought,
      steps: run.steps,
      finalAnswer: run.finalAnswer,
      outcome: run.outcome,
      latencyMs: run.latencyMs,
      promptTokens: run.promptTokens,
      completionTokens: run.completionTokens,
    });
  }

  /** Shadow sampling: some answered questions also go to the teacher in the background, for offline accuracy. */
  #maybeShadow(id: string, req: AskRequest): void {
    if (req.allowTeacher === false || Math.random() >= this.p.config.router.shadowRate) return;
    const job = this.#teacherRun(id, { question: req.question, history: req.history, collection: req.collection }, 'shadow')
      .then(() => this.p.log(`question ${id}: shadow teacher run logged`))
      .catch((e) => this.p.log(`question ${id}: shadow teacher run failed: ${(e as Error).message}`))
      .finally(() => this.#shadows.delete(job));
    this.#shadows.add(job);
  }

  /** The answer a question already got, as it was delivered. */
  #stored({ question: q, trajectories }: QuestionDetail): AskResult {
    const delivered = trajectories.filter((t) => t.role === q.route).at(-1);
    return {
      answer: q.answer ?? APOLOGY,
      route: q.route ?? 'student',
      reason: q.reason ?? '',
      abstained: q.abstained,
      unverified: q.unverified,
      sources: q.sources,
      steps: delivered?.steps.length ?? 0,
      latencyMs: q.latencyMs ?? 0,
      models: { student: this.p.student.name, adapter: this.p.student.adapter, teacher: this.p.teacherName },
      logId: q.id,
    };
  }

  #result(id: string, route: Route, reason: string, run: AgentRun | null, unverified: boolean, start: number): AskResult {
    const answer = run?.finalAnswer ?? (route === 'teacher' ? NO_ANSWER : APOLOGY);
    const sources: SourceRef[] = run?.sources ?? [];
    return {
      answer,
      route,
      reason,
      abstained: isAbstention(run?.finalAnswer ?? null),
      unverified,
      sources,
      steps: run?.steps.length ?? 0,
      latencyMs: performance.now() - start,
      models: { student: this.p.student.name, adapter: this.p.student.adapter, teacher: this.p.teacherName },
      logId: id,
    };
  }
}

function outcomeOf(r: AskResult): QuestionOutcome {
  return {
    status: 'answered',
    route: r.route,
    reason: r.reason,
    answer: r.answer,
    abstained: r.abstained,
    unverified: r.unverified,
    sources: r.sources,
    latencyMs: r.latencyMs,
    error: null,
  };
}
