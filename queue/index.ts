export type { AskHooks, Dispatcher, FeedbackOutcome, Outcome, Question, QueueLog } from './types.ts';
export { localDispatcher } from './local.ts';
export { connectDispatcher } from './remote.ts';
export { startQueueWorker, type QueueWorker } from './worker.ts';
export { checkRedis, QueueSetupError, shownUrl } from './redis.ts';
export { startNightly, NIGHTLY_QUEUE, NightlyScheduleError, type Nightly } from './nightly.ts';
export { SeenKeys } from './seen-keys.ts';
