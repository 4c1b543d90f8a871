import { Worker, type Job } from 'bullmq';
import type { Answerer, AskResult, ProgressEvent } from '../agent/index.ts';
import type { Config } from '../config/index.ts';
import type { FeedbackReturn, JobData, JobName } from './jobs.ts';
import { QUEUE_NAME, redisOptions, shownUrl } from './redis.ts';
import type { FeedbackRequest, Question } from './types.ts';

export interface QueueWorker {
  /** Stops taking jobs and waits for the ones running to finish. */
  close(): Promise<void>;
}

/**
 * The workers' side (`serve --role worker`): takes questions and 👍/👎 off the queue and runs them
 * on `answerer`, `queue.concurrency` at a time. The job id is the question's log id (and a
 * feedback's record id), so a job delivered again (its worker was killed: its lock of
 * `queue.lockMs` ran out and another worker's stalled check put it back) is logged once, its
 * attempts counted, and an answer already stored is not computed again.
 */
export async function startQueueWorker(config: Config, answerer: Answerer, log: (line: string) => void): Promise<QueueWorker> {
  const { url, concurrency, lockMs } = config.queue;

  async function work(job: Job<JobData, AskResult | FeedbackReturn, JobName>): Promise<AskResult | FeedbackReturn> {
    const again = job.attemptsStarted > 1 ? ` (delivery ${job.attemptsStarted}: an earlier worker stopped mid-way)` : '';
    if (job.name === 'feedback') {
      const f = job.data as FeedbackRequest;
      log(`feedback ${job.id}: ${f.value} on question ${f.logId}${again}`);
      return { result: (await answerer.feedback(f.logId, f.user, f.value, f.surface, job.id)) ?? null };
    }
    log(`question ${job.id}: answering${again}`);
    const onProgress = (e: ProgressEvent) => void job.updateProgress(e).catch(() => {}); // a lost progress line is harmless
    const result = await answerer.ask({ ...(job.data as Question), questionId: job.id, onProgress });
    log(`question ${job.id}: answered by the ${result.route}`);
    return result;
  }

  const worker = new Worker<JobData, AskResult | FeedbackReturn, JobName>(QUEUE_NAME, work, {
    connection: redisOptions(url!),
    concurrency,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    // Taken over once; if its second worker dies too, it fails rather than take down a third.
    maxStalledCount: 1,
    autorun: false,
  });
  let quietUntil = 0; // one line per 10 s while Redis is away, not one per reconnect try
  worker.on('error', (e) => {
    if (Date.now() < quietUntil) return;
    quietUntil = Date.now() + 10_000;
    log(`queue: ${e.message}; jobs resume when Redis is back`);
  });
  worker.on('stalled', (id) => log(`job ${id}: its worker stopped renewing its lock; delivered again`));
  worker.on('failed', (job, e) => log(`${job?.name ?? 'job'} ${job?.id}: failed (${e.message})`));
  void worker.run().catch((e: Error) => log(`queue: the worker stopped: ${e.message}`));
  await worker.waitUntilReady();
  log(`worker: answering questions from ${shownUrl(url!)} (${concurrency} at a time, lock ${lockMs} ms)`);
  return { close: () => worker.close() };
}
