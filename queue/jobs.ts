import type { AskResult } from '../agent/index.ts';
import type { FeedbackRequest, Question } from './types.ts';

/** A question as it travels; its job id is the question's log id. */
export type AskJob = Question;
/** A 👍/👎; its job id is the feedback record's id. */
export type FeedbackJob = FeedbackRequest;

export type JobName = 'ask' | 'feedback';
export type JobData = AskJob | FeedbackJob;

export type AskReturn = AskResult;
export interface FeedbackReturn {
  /** The teacher's re-answer after a 👎 on a student answer. */
  result: AskResult | null;
}
