/** The log store's records. Every question, both trajectories, feedback and curation live here. */

export type Surface = 'console' | 'cli' | 'slack' | 'discord' | 'eval' | 'distill';
export type Route = 'student' | 'teacher';
export type TrajectoryRole = 'student' | 'teacher' | 'shadow';
export type CurationState = 'pending' | 'approved' | 'rejected';

export interface SourceRef {
  title: string;
  source: string;
  chunkId?: string;
  score: number;
}

/** One sampled code action of a self-consistent step, with what it produced and its vote. */
export interface CandidateRecord {
  text: string;
  code: string | null;
  observation: string;
  error: string | null;
  finalAnswer: string | null;
  /** What it voted for (normalized answer or observation); null when it failed. */
  voteKey: string | null;
  votes: number;
  chosen: boolean;
}

export interface StepRecord {
  index: number;
  thought: string;
  code: string | null;
  observation: string;
  error: string | null;
  /** Present on SAG steps: every candidate and the share that agreed with the winner. */
  candidates?: CandidateRecord[];
  agreement?: number;
  sources?: SourceRef[];
  latencyMs: number;
  promptTokens: number;
  completionTokens: number;
}

/**
 * `context_full`: the conversation outgrew the model's context; the steps done so far are kept.
 * `stalled`: the run repeated an action or an observation, or took a step that did nothing.
 */
export type TrajectoryOutcome = 'final' | 'max_steps' | 'error' | 'abstained' | 'context_full' | 'stalled';

export interface TrajectoryRecord {
  id: string;
  questionId: string;
  role: TrajectoryRole;
  model: string;
  adapter: string | null;
  /** The first-thought prefix the run was seeded with (teacher runs). */
  firstThought: string | null;
  steps: StepRecord[];
  finalAnswer: string | null;
  outcome: TrajectoryOutcome;
  latencyMs: number;
  promptTokens: number;
  completionTokens: number;
  createdAt: string;
  curation: CurationState;
  /** An admin's corrected answer; training uses it instead of finalAnswer. */
  editedAnswer: string | null;
  curatedBy: string | null;
  curatedAt: string | null;
}

export interface QuestionRecord {
  id: string;
  text: string;
  surface: Surface;
  user: string | null;
  channel: string | null;
  createdAt: string;
  /** How many times the question was started: above 1 when a worker died mid-answer and another took it over. */
  attempts: number;
  /** `pending` until answered: a crash mid-answer leaves a visible pending record. */
  status: 'pending' | 'answered' | 'failed';
  route: Route | null;
  reason: string | null;
  answer: string | null;
  abstained: boolean;
  unverified: boolean;
  sources: SourceRef[];
  latencyMs: number | null;
  error: string | null;
}

export interface FeedbackRecord {
  id: string;
  questionId: string;
  trajectoryId: string | null;
  user: string;
  value: 'up' | 'down';
  surface: Surface;
  createdAt: string;
}

export interface CurationEvent {
  trajectoryId: string;
  state: CurationState;
  editedAnswer: string | null;
  by: string;
  at: string;
}

export interface QuestionFilter {
  surface?: Surface;
  channel?: string;
  user?: string;
  route?: Route;
  reason?: string;
  feedback?: 'up' | 'down' | 'none';
  curation?: CurationState;
  model?: string;
  from?: string;
  to?: string;
  /** Full-text search over question and answer. */
  text?: string;
}

export interface TrajectoryFilter {
  role?: TrajectoryRole;
  outcome?: TrajectoryOutcome;
  curation?: CurationState;
  /** Created at or after this ISO time. */
  since?: string;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface QuestionDetail {
  question: QuestionRecord;
  trajectories: TrajectoryRecord[];
  feedback: FeedbackRecord[];
  curationLog: CurationEvent[];
}

/** `id` set by the caller (a queued job's id) makes creation idempotent: creating it again counts an attempt. */
export type NewQuestion = Pick<QuestionRecord, 'text' | 'surface'> & Partial<Pick<QuestionRecord, 'id' | 'user' | 'channel'>>;
/** `id` set by the caller makes the write idempotent: a second write with the same id is ignored. */
export type NewFeedback = Omit<FeedbackRecord, 'id' | 'createdAt'> & { id?: string };
export type QuestionOutcome = Pick<QuestionRecord, 'status' | 'route' | 'reason' | 'answer' | 'abstained' | 'unverified' | 'sources' | 'latencyMs' | 'error'>;
export type NewTrajectory = Omit<TrajectoryRecord, 'id' | 'createdAt' | 'curation' | 'editedAnswer' | 'curatedBy' | 'curatedAt'>;

/** A student version produced by the nightly job (the model registry keeps the files). */
export interface ModelVersionRecord {
  version: string;
  baseModel: string;
  adapterPath: string | null;
  datasetHash: string | null;
  /** The gate's eval report (JSON) that decided promotion. */
  evalReport: unknown;
  status: 'candidate' | 'promoted' | 'rejected' | 'rolled_back';
  createdAt: string;
  promotedAt: string | null;
}

/** What every store takes. */
export interface StoreOptions {
  /** The clock used for createdAt/curatedAt; tests and demo seeding move it. */
  now?: () => Date;
}

export interface LogStore {
  /** Creates a pending question; with a known `id` it counts one more attempt instead. */
  createQuestion(q: NewQuestion): Promise<string>;
  finishQuestion(id: string, outcome: QuestionOutcome): Promise<void>;
  addTrajectory(t: NewTrajectory): Promise<string>;
  addFeedback(f: NewFeedback): Promise<string>;
  getQuestion(id: string): Promise<QuestionDetail | undefined>;
  listQuestions(filter: QuestionFilter, page: { offset: number; limit: number }): Promise<Page<QuestionRecord>>;
  curate(trajectoryIds: string[], state: CurationState, by: string, editedAnswer?: string | null): Promise<void>;
  /** Teacher trajectories for the nightly job, oldest first. */
  listTrajectories(filter: TrajectoryFilter): Promise<TrajectoryRecord[]>;
  upsertModelVersion(v: ModelVersionRecord): Promise<void>;
  listModelVersions(): Promise<ModelVersionRecord[]>;
  close(): Promise<void>;
}
