import type { CurationEvent, FeedbackRecord, ModelVersionRecord, QuestionRecord, TrajectoryRecord } from './types.ts';

/** Rows as either backend returns them (snake_case, JSON as text, booleans as SQLite's 0/1 or Postgres' true/false). */
export type Row = Record<string, unknown>;

const str = (v: unknown): string => v as string;
const strOrNull = (v: unknown): string | null => (v ?? null) as string | null;
const flag = (v: unknown): boolean => v === 1 || v === true;
const json = <T>(v: unknown, fallback: T): T => (typeof v === 'string' ? (JSON.parse(v) as T) : fallback);

export function toQuestion(r: Row): QuestionRecord {
  return {
    id: str(r.id),
    text: str(r.text),
    surface: r.surface as QuestionRecord['surface'],
    user: strOrNull(r.user),
    channel: strOrNull(r.channel),
    createdAt: str(r.created_at),
    attempts: Number(r.attempts ?? 1),
    status: r.status as QuestionRecord['status'],
    route: (r.route ?? null) as QuestionRecord['route'],
    reason: strOrNull(r.reason),
    answer: strOrNull(r.answer),
    abstained: flag(r.abstained),
    unverified: flag(r.unverified),
    sources: json(r.sources, []),
    latencyMs: (r.latency_ms ?? null) as number | null,
    error: strOrNull(r.error),
  };
}

export function toTrajectory(r: Row): TrajectoryRecord {
  return {
    id: str(r.id),
    questionId: str(r.question_id),
    role: r.role as TrajectoryRecord['role'],
    model: str(r.model),
    adapter: strOrNull(r.adapter),
    firstThought: strOrNull(r.first_thought),
    steps: json(r.steps, []),
    finalAnswer: strOrNull(r.final_answer),
    outcome: r.outcome as TrajectoryRecord['outcome'],
    latencyMs: r.latency_ms as number,
    promptTokens: r.prompt_tokens as number,
    completionTokens: r.completion_tokens as number,
    createdAt: str(r.created_at),
    curation: r.curation as TrajectoryRecord['curation'],
    editedAnswer: strOrNull(r.edited_answer),
    curatedBy: strOrNull(r.curated_by),
    curatedAt: strOrNull(r.curated_at),
  };
}

export function toFeedback(r: Row): FeedbackRecord {
  return {
    id: str(r.id),
    questionId: str(r.question_id),
    trajectoryId: strOrNull(r.trajectory_id),
    user: str(r.user),
    value: r.value as FeedbackRecord['value'],
    surface: r.surface as FeedbackRecord['surface'],
    createdAt: str(r.created_at),
  };
}

export function toCurationEvent(r: Row): CurationEvent {
  return {
    trajectoryId: str(r.trajectory_id),
    state: r.state as CurationEvent['state'],
    editedAnswer: strOrNull(r.edited_answer),
    by: str(r.by),
    at: str(r.at),
  };
}

export function toModelVersion(r: Row): ModelVersionRecord {
  return {
    version: str(r.version),
    baseModel: str(r.base_model),
    adapterPath: strOrNull(r.adapter_path),
    datasetHash: strOrNull(r.dataset_hash),
    evalReport: json(r.eval_report, null),
    status: r.status as ModelVersionRecord['status'],
    createdAt: str(r.created_at),
    promotedAt: strOrNull(r.promoted_at),
  };
}
