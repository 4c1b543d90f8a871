import type { AskResult } from '../agent/index.ts';
import type { FeedbackRequest, Question } from './types.ts';

/** An `ask` job carries a Question (its job id is the question's log id); a `feedback` job a FeedbackRequest (its id is the record's). */
export type JobName = 'ask' | 'feedback';
export type JobData = Question | FeedbackRequest;

/** What an `ask` job returns is the AskResult; a `feedback` job returns this. */
export interface FeedbackReturn {
  /** The teacher's re-answer after a 👎 on a student answer. */
  result: AskResult | null;
}
