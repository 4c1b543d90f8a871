import { randomUUID } from 'node:crypto';
import { Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { AskResult, ProgressEvent } from '../agent/index.ts';
import type { Config } from '../config/index.ts';
import { Admission } from './admission.ts';
import type { FeedbackReturn, JobData, JobName } from './jobs.ts';
import { QUEUE_NAME, redisOptions, shownUrl } from './redis.ts';
import { userKey, type AskHooks, type Dispatcher, type FeedbackOutcome, type Outcome, type QueueLog } from './types.ts';

export interface RemoteOptions {
  /** How long a bots process's questions keep counting against the limits after it stops renewing them (it died) (ms). */
  leaseMs?: number;
  /** How long accepting a question may take before the user is told to wait (ms). */
  acceptMs?: number;
  /** How often waiting questions are looked after: a user's slot freed, a result whose event was missed, leases (ms). */
  tickMs?: number;
  /** How long `close` waits for answers still on their way (ms). */
  drainMs?: number;
}

interface Waiting {
  id: string;
  name: JobName;
  data: JobData;
  user: string;
  hooks: AskHooks;
  /** Holds one of the user's slots: the job is (being) added for the workers. */
  handedOver: boolean;
  added: boolean;
  settle: (o: FeedbackOutcome) => void;
}

/** How long a claimed delivery stays claimed: longer than Slack's retries (about 5 minutes) take. */
const CLAIM_MS = 10 * 60_000;
const BUSY = { kind: 'busy' } as const;
const FAILED = { kind: 'failed' } as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The bots' side of the job queue (`serve --role bots`): each question (or 👍/👎) is admitted
 * against the limits every bots process shares, added as a BullMQ job whose id becomes its log
 * id, and awaited through QueueEvents, whose `progress` events reach the chat while a worker
 * answers. When Redis is unreachable a new question is told to wait within `acceptMs`; questions
 * already added wait for Redis to return, and a result whose event was missed is read from the job.
 */
export async function connectDispatcher(config: Config, log: QueueLog, opts: RemoteOptions = {}): Promise<Dispatcher> {
  const url = config.queue.url!;
  const { leaseMs = 30_000, acceptMs = 2000, tickMs = 1000, drainMs = 10_000 } = opts;
  const connection = redisOptions(url);
  // No offline queue: while Redis is away a command fails at once instead of waiting for it.
  const queue = new Queue<JobData, unknown, JobName>(QUEUE_NAME, { connection: { ...connection, enableOfflineQueue: false } });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  const redis = new Redis({ ...connection, enableOfflineQueue: false, commandTimeout: acceptMs, maxRetriesPerRequest: 1 });
  const admission = new Admission(redis, { queueSize: config.bots.queueSize, perUserConcurrency: config.bots.perUserConcurrency, leaseMs });
  const waiting = new Map<string, Waiting>();

  let up = true;
  let stopped = false;
  redis.on('close', () => {
    if (up && !stopped) log.error(`queue: lost Redis at ${shownUrl(url)}`, 'new questions are told to wait; questions already queued wait for it');
    up = false;
  });
  redis.on('ready', () => {
    if (!up) log.info('queue: Redis is back');
    up = true;
  });
  const onError = (e: unknown) => up && log.error('queue: Redis error', e);
  queue.on('error', onError);
  events.on('error', onError);
  redis.on('error', onError);
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), redis.status === 'ready' || new Promise((r) => redis.once('ready', r))]);

  function end(id: string, outcome: FeedbackOutcome): void {
    const w = waiting.get(id);
    if (!w) return;
    waiting.delete(id);
    void admission.release(id, w.user).catch(() => {}); // else its lease runs out
    w.settle(outcome);
  }

  function completed(id: string, value: unknown): void {
    const w = waiting.get(id);
    if (!w) return;
    if (w.name === 'ask') return end(id, { kind: 'answered', result: value as AskResult });
    const { result } = value as FeedbackReturn;
    end(id, result ? { kind: 'answered', result } : { kind: 'recorded' });
  }

  function failed(id: string, reason: string): void {
    const w = waiting.get(id);
    if (!w) return;
    log.error(`queue: ${w.name} ${id} from ${w.user} failed on a worker`, reason);
    end(id, FAILED);
  }

  events.on('progress', ({ jobId, data }) => waiting.get(jobId)?.hooks.onProgress?.(data as ProgressEvent));
  events.on('completed', ({ jobId, returnvalue }) => completed(jobId, returnvalue));
  events.on('failed', ({ jobId, failedReason }) => failed(jobId, failedReason));

  async function enqueue(w: Waiting): Promise<void> {
    const adding = queue.add(w.name, w.data, { jobId: w.id, removeOnComplete: { age: 3600 }, removeOnFail: { age: 86_400 } });
    try {
      await within(adding, acceptMs);
    } catch (e) {
      // Taken back if it lands late, so a user told to wait is not answered behind their back.
      adding.then((job) => job.remove(), () => {}).catch(() => {});
      log.error(`queue: could not queue ${w.name} ${w.id}; the user is told to wait`, e);
      return end(w.id, BUSY);
    }
    w.added = true;
    const [state, ahead] = await Promise.all([queue.getJobState(w.id), queue.getWaitingCount()]).catch(() => ['unknown', 0] as const);
    if (state === 'waiting' && waiting.has(w.id)) w.hooks.onQueued?.(Math.max(0, ahead - 1));
  }

  /** A question waiting for its user's slot tries again; a queued one whose events were missed is read from its job. */
  async function lookAfter(w: Waiting): Promise<void> {
    if (!w.handedOver) {
      const verdict = await admission.admit(w.id, w.user);
      if (verdict === 'full') return end(w.id, BUSY); // its lease ran out while Redis was away
      if (verdict === 'go') {
        w.handedOver = true;
        void enqueue(w);
      }
      return;
    }
    if (!w.added) return;
    const state = await queue.getJobState(w.id);
    if (state === 'completed') completed(w.id, (await Job.fromId(queue, w.id))?.returnvalue);
    else if (state === 'failed') failed(w.id, (await Job.fromId(queue, w.id))?.failedReason ?? 'failed');
    else if (state === 'unknown') failed(w.id, 'the job is gone from Redis');
  }

  let lastRenew = Date.now();
  let timer: NodeJS.Timeout | undefined;
  async function tick(): Promise<void> {
    // While Redis is away each call fails at once and the next tick tries again.
    for (const w of [...waiting.values()]) await lookAfter(w).catch(() => {});
    if (Date.now() - lastRenew > leaseMs / 3) {
      const renewed = await Promise.all([...waiting.values()].map((w) => admission.renew(w.id, w.user, w.handedOver).then(() => true, () => false)));
      if (renewed.every(Boolean)) lastRenew = Date.now();
    }
    if (!stopped) timer = setTimeout(() => void tick(), tickMs);
  }
  timer = setTimeout(() => void tick(), tickMs);

  let closing = false;
  async function submit(name: JobName, data: JobData, user: string, hooks: AskHooks): Promise<FeedbackOutcome> {
    if (closing) return BUSY;
    const id = randomUUID();
    let verdict;
    try {
      verdict = await admission.admit(id, user);
    } catch (e) {
      log.error(`queue: Redis did not answer; ${name} from ${user} is told to wait`, e);
      return BUSY;
    }
    if (verdict === 'full') return BUSY;
    return new Promise((settle) => {
      const w: Waiting = { id, name, data, user, hooks, handedOver: verdict === 'go', added: false, settle };
      waiting.set(id, w);
      if (w.handedOver) void enqueue(w);
      else hooks.onQueued?.([...waiting.values()].filter((x) => !x.handedOver).length - 1);
    });
  }

  return {
    async claim(key) {
      // Redis unreachable: the delivery is handled here (a new question is then told to wait anyway).
      const set = await redis.set(`understudy:delivery:${key}`, '1', 'PX', CLAIM_MS, 'NX').catch(() => 'OK');
      return set === 'OK';
    },
    ask: (req, hooks = {}) => submit('ask', req, userKey(req.surface, req.user), hooks) as Promise<Outcome>, // an ask never ends `recorded`
    feedback: (f) => submit('feedback', f, userKey(f.surface, f.user), {}),
    async close() {
      closing = true;
      const deadline = Date.now() + drainMs;
      while (waiting.size > 0 && Date.now() < deadline) await sleep(100);
      for (const id of [...waiting.keys()]) end(id, FAILED);
      stopped = true;
      clearTimeout(timer);
      await Promise.allSettled([queue.close(), events.close()]);
      redis.disconnect();
    },
  };
}
