/** Thrown by AskQueue.submit when the queue is full: the user is told to wait, nothing is dropped silently. */
export class QueueFullError extends Error {
  constructor() {
    super('the queue is full');
  }
}

export interface QueueLimits {
  workers: number;
  queueSize: number;
  perUserConcurrency: number;
}

interface Job {
  user: string;
  run: () => Promise<void>;
}

/**
 * A bounded in-process queue in front of the agent: at most `workers` jobs run at once, at most
 * `perUserConcurrency` of them for one user, and at most `queueSize` wait. A user's extra jobs wait
 * while other users' jobs pass them.
 */
export class AskQueue {
  private readonly waiting: Job[] = [];
  private readonly runningPerUser = new Map<string, number>();
  private running = 0;

  constructor(private readonly limits: QueueLimits) {}

  get stats(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /**
   * Runs `task` when a worker and the user's slot are free. `onQueued` is called at once with the
   * number of jobs ahead when it has to wait. Throws QueueFullError without queueing when full.
   */
  submit<T>(user: string, task: () => Promise<T>, onQueued?: (ahead: number) => void): Promise<T> {
    const startsNow = this.running < this.limits.workers && this.active(user) < this.limits.perUserConcurrency;
    if (!startsNow && this.waiting.length >= this.limits.queueSize) return Promise.reject(new QueueFullError());
    return new Promise<T>((resolve, reject) => {
      const job: Job = { user, run: () => task().then(resolve, reject) };
      if (startsNow) return this.start(job);
      this.waiting.push(job);
      onQueued?.(this.waiting.length - 1);
    });
  }

  private active(user: string): number {
    return this.runningPerUser.get(user) ?? 0;
  }

  private start(job: Job): void {
    this.running++;
    this.runningPerUser.set(job.user, this.active(job.user) + 1);
    void job.run().finally(() => {
      this.running--;
      const n = this.active(job.user) - 1;
      if (n > 0) this.runningPerUser.set(job.user, n);
      else this.runningPerUser.delete(job.user);
      this.drain();
    });
  }

  private drain(): void {
    while (this.running < this.limits.workers) {
      const i = this.waiting.findIndex((j) => this.active(j.user) < this.limits.perUserConcurrency);
      if (i < 0) return;
      this.start(this.waiting.splice(i, 1)[0]!);
    }
  }
}
