import type { Route, SourceRef, Surface } from '../store/index.ts';

/** What the agent reports while it works, so a bot can update its "thinking…" message. */
export type ProgressEvent =
  | { kind: 'step'; step: number; maxSteps: number; who: Route }
  | { kind: 'search'; query: string }
  | { kind: 'code' }
  | { kind: 'escalate'; reason: string };

export interface AskRequest {
  /** The question's log id, chosen by a queue and the same on every delivery of its job: a re-delivered question is logged once, and one already answered is not answered again. */
  questionId?: string;
  question: string;
  surface: Surface;
  user?: string;
  channel?: string;
  /** Earlier turns of the conversation (e.g. a Slack thread), oldest first. */
  history?: { role: 'user' | 'assistant'; text: string }[];
  collection?: string;
  allowTeacher?: boolean;
  /** Skip the student (a user's "ask the teacher", or a 👎 re-ask). */
  forceTeacher?: boolean;
  sagN?: number;
  onProgress?: (e: ProgressEvent) => void;
  signal?: AbortSignal;
}

export interface AskResult {
  answer: string;
  route: Route;
  reason: string;
  abstained: boolean;
  /** Not checked: the student's best attempt while the teacher was unreachable, or (`router.ungrounded: unverified`) a teacher answer the documents do not support. */
  unverified: boolean;
  sources: SourceRef[];
  steps: number;
  latencyMs: number;
  models: { student: string; adapter: string | null; teacher: string | null };
  logId: string;
}

/** The one thing bots need from the agent. */
export interface Answerer {
  ask(req: AskRequest): Promise<AskResult>;
  /**
   * Records 👍/👎; a 👎 on a student answer re-asks the teacher and returns its answer. With a
   * `feedbackId` (a queue's job id) a repeat delivery records nothing more and does not re-ask twice.
   */
  feedback(logId: string, user: string, value: 'up' | 'down', surface: Surface, feedbackId?: string): Promise<AskResult | undefined>;
}
