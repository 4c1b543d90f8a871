import type { AskRequest, AskResult, ProgressEvent } from '../agent/index.ts';
import type { Surface } from '../store/index.ts';

/** A question as a bot hands it over: everything the agent needs but the callbacks and the log id, which the dispatcher sets. */
export type Question = Omit<AskRequest, 'onProgress' | 'signal' | 'questionId'>;

export type Outcome = { kind: 'answered'; result: AskResult } | { kind: 'busy' } | { kind: 'failed' };

/** A 👍/👎 is `recorded`; a 👎 on a student answer is `answered` with the teacher's re-answer. */
export type FeedbackOutcome = Outcome | { kind: 'recorded' };

export interface AskHooks {
  /** The question waits: `ahead` questions before it (a hint, not a promise). */
  onQueued?: (ahead: number) => void;
  onProgress?: (e: ProgressEvent) => void;
}

export interface FeedbackRequest {
  logId: string;
  user: string;
  value: 'up' | 'down';
  surface: Surface;
}

/** Details for operators; users only see the bots' short messages. */
export interface QueueLog {
  info(message: string): void;
  error(message: string, detail?: unknown): void;
}

/**
 * How the bots get questions answered and feedback recorded: by the agent in this process
 * (`serve --role all`, `chat`) or by worker processes through the job queue (`serve --role bots`).
 * A full queue or a failure is an outcome, never a throw.
 */
export interface Dispatcher {
  /**
   * True for the one bots process that first claims a delivery (a Slack event id, a Discord
   * message or interaction id) within a few minutes: a retried or doubly delivered event is
   * handled once however many bots processes receive it.
   */
  claim(key: string): Promise<boolean>;
  ask(req: Question, hooks?: AskHooks): Promise<Outcome>;
  feedback(f: FeedbackRequest): Promise<FeedbackOutcome>;
  close(): Promise<void>;
}

/** Whose limit a question counts against. */
export function userKey(surface: Surface, user: string | undefined): string {
  return `${surface}:${user ?? 'anonymous'}`;
}
