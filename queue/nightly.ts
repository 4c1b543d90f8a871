import { Queue, Worker, type Job } from 'bullmq';
import type { Config } from '../config/index.ts';
import { redisOptions, shownUrl } from './redis.ts';

/** The queue that carries the nightly job's ticks, and its one scheduler (every process names the same). */
export const NIGHTLY_QUEUE = 'understudy-nightly';
const SCHEDULER_ID = 'distill';

export class NightlyScheduleError extends Error {
  readonly userFacing = true;
}

export interface Nightly {
  /** Stops taking ticks, after a run in progress here finishes (a process that exits instead leaves it to be run again elsewhere). */
  close(): Promise<void>;
}

/**
 * One nightly distillation per cluster: every process that calls this upserts the same BullMQ job
 * scheduler (cron `distill.schedule`, UTC) on `queue.url`, so the cluster has one schedule and
 * each tick is one job, whichever process adds it. Each process consumes ticks one at a time and
 * the queue's global concurrency is 1, so one run goes at once in the whole cluster. While it
 * runs its worker renews the job's lock every `queue.lockMs / 2`, so a run of hours is never
 * handed to another process; if its process dies the lock lapses, the job is found stalled and
 * run again once by whichever process is up (`runJob` resumes from the interrupted run's
 * checkpoints); a second death fails it, and it waits for the next tick. `runJob` returns the
 * line that becomes the job's result. Processes should agree on `distill.schedule`: the last one
 * to start sets the cluster's.
 */
export async function startNightly(config: Config, runJob: () => Promise<string>, log: (line: string) => void): Promise<Nightly> {
  const { url, lockMs } = config.queue;
  const pattern = config.distill.schedule;
  if (!url) throw new NightlyScheduleError('the cluster schedule needs queue.url (REDIS_URL)');
  if (!pattern) throw new NightlyScheduleError('distill.schedule is not set (e.g. UNDERSTUDY_DISTILL_SCHEDULE="0 3 * * *")');

  const connection = redisOptions(url);
  const queue = new Queue(NIGHTLY_QUEUE, { connection });
  queue.on('error', (err) => log(`nightly: ${err.message}`));
  try {
    await queue.setGlobalConcurrency(1);
    await queue.upsertJobScheduler(SCHEDULER_ID, { pattern, tz: 'UTC' }, {
      name: 'distill',
      // A failed run is not retried at once (it would most likely fail the same way): the next tick tries again.
      opts: { attempts: 1, removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } },
    });
  } catch (e) {
    await queue.close();
    throw new NightlyScheduleError(`cannot set up the nightly schedule "${pattern}" on ${shownUrl(url)}: ${(e as Error).message}`);
  }

  const logNext = async () => {
    const next = (await queue.getJobScheduler(SCHEDULER_ID).catch(() => undefined))?.next;
    log(`nightly: next run ${next ? new Date(next).toISOString() : 'unknown'} (cluster schedule "${pattern}" UTC)`);
  };
  const tickOf = (job: Job) => new Date(job.timestamp + (job.delay ?? 0)).toISOString();
  const run = async (job: Job): Promise<string> => {
    if (job.stalledCounter > 0) log(`nightly: running the ${tickOf(job)} run again: the process running it stopped before it finished`);
    else log(`nightly: the ${tickOf(job)} run starts in this process`);
    try {
      const line = await runJob();
      log(`nightly: ${line}`);
      return line;
    } finally {
      await logNext();
    }
  };
  const worker = new Worker(NIGHTLY_QUEUE, run, {
    connection,
    concurrency: 1,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: 1,
  });
  worker.on('failed', (job, err) => log(`nightly: the ${job ? `${tickOf(job)} ` : ''}run failed: ${err.message}`));
  worker.on('error', (err) => log(`nightly: ${err.message}`));
  await worker.waitUntilReady();
  await logNext();

  return {
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
