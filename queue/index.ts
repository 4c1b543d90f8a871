export type { AskHooks, Dispatcher, FeedbackOutcome, FeedbackRequest, Outcome, Question, QueueLog } from './types.ts';
export { AskQueue, QueueFullError, type QueueLimits } from './ask-queue.ts';
export { localDispatcher } from './local.ts';
export { connectDispatcher, type RemoteOptions } from './remote.ts';
export { startQueueWorker, type QueueWorker } from './worker.ts';
export { checkRedis, QueueSetupError, shownUrl } from './redis.ts';
