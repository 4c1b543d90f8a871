import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import type { AskRequest, AskResult, ProgressEvent } from '../../agent/index.ts';
import { configSchema } from '../../config/index.ts';
import { connectDispatcher, startQueueWorker, type Dispatcher, type QueueWorker } from '../../queue/index.ts';
import { Admission } from '../../queue/admission.ts';
import { ScriptedAnswerer } from '../bots/fixtures/answerer.ts';
import { quietLog } from '../bots/fixtures/slack-app.ts';
import { startRedis, type RedisServer } from '../services.ts';

/** The scripted agent, holding each answer until the test lets it go, and counting answers in flight per user. */
class GatedAnswerer extends ScriptedAnswerer {
  readonly inFlight = new Map<string, number>();
  maxPerUser = 0;
  private gates: (() => void)[] = [];

  constructor() {
    super({ delayMs: 30 });
  }

  override async ask(req: AskRequest): Promise<AskResult> {
    const n = (this.inFlight.get(req.user!) ?? 0) + 1;
    this.inFlight.set(req.user!, n);
    this.maxPerUser = Math.max(this.maxPerUser, n);
    try {
      if (req.question.startsWith('hold')) await new Promise<void>((r) => this.gates.push(r));
      return await super.ask(req);
    } finally {
      this.inFlight.set(req.user!, this.inFlight.get(req.user!)! - 1);
    }
  }

  releaseAll(): void {
    for (const g of this.gates.splice(0)) g();
  }

  get held(): number {
    return this.gates.length;
  }
}

const until = async (probe: () => boolean, what: string, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

let redis: RedisServer;
let worker: QueueWorker;
let bots: Dispatcher[];
const answerer = new GatedAnswerer();

before(async () => {
  redis = await startRedis();
  const config = configSchema.parse({ queue: { url: redis.url, concurrency: 4, lockMs: 5000 }, bots: { queueSize: 3, perUserConcurrency: 1 } });
  worker = await startQueueWorker(config, answerer, () => {});
  // Two "bots processes" on one Redis.
  bots = [await connectDispatcher(config, quietLog, { tickMs: 100 }), await connectDispatcher(config, quietLog, { tickMs: 100 })];
});

after(async () => {
  answerer.releaseAll();
  for (const d of bots) await d.close();
  await worker.close();
  await redis.stop();
});

test('a delivery both bots processes receive is claimed by one of them, once', async () => {
  const claims = await Promise.all([...bots, ...bots].map((d) => d.claim('slack:Ev123')));
  assert.deepEqual(claims.filter(Boolean).length, 1, 'one claim of four wins');
  assert.equal(await bots[1]!.claim('slack:Ev124'), true, 'another delivery is its own');
});

test('progress reaches the bots process; the job id is the log id; a 👎 goes through the queue with its own id', async () => {
  const progress: ProgressEvent[] = [];
  const outcome = await bots[0]!.ask({ question: 'how many vacation days?', surface: 'slack', user: 'U1', channel: 'C1' }, { onProgress: (e) => progress.push(e) });
  assert.equal(outcome.kind, 'answered');
  assert.deepEqual(progress.map((e) => e.kind), ['step', 'search', 'code']);
  const asked = answerer.asks.at(-1)!;
  assert.equal(asked.question, 'how many vacation days?');
  assert.match(asked.questionId ?? '', /^[0-9a-f-]{36}$/, 'the worker asks under the job id');
  const fb = await bots[1]!.feedback({ logId: 'student-9', user: 'U1', value: 'down', surface: 'slack' });
  assert.equal(fb.kind, 'answered');
  assert.match(fb.kind === 'answered' ? fb.result.answer : '', /Teacher re-answer for student-9/);
  assert.match(answerer.feedbacks.at(-1)?.feedbackId ?? '', /^[0-9a-f-]{36}$/);
  assert.equal((await bots[0]!.feedback({ logId: 'student-9', user: 'U1', value: 'up', surface: 'slack' })).kind, 'recorded');
});

test('one user has one question with the workers at a time across both bots processes; the queue holds 3 across both, then users are told to wait', async () => {
  const queued: number[] = [];
  const a1 = bots[0]!.ask({ question: 'hold a1', surface: 'slack', user: 'UA' });
  await until(() => answerer.held === 1, 'a1 on a worker');
  const a2 = bots[1]!.ask({ question: 'hold a2', surface: 'slack', user: 'UA' }, { onQueued: (n) => queued.push(n) });
  const b1 = bots[1]!.ask({ question: 'hold b1', surface: 'slack', user: 'UB' });
  await until(() => answerer.held === 2, 'b1 on a worker');
  assert.deepEqual(queued, [0], "a2 waits for UA's slot in its bots process");
  // a1, a2 and b1 fill the queue (3): a fourth question is refused in either process, at once.
  assert.equal((await bots[0]!.ask({ question: 'c1', surface: 'discord', user: 'UC' })).kind, 'busy');
  assert.equal((await bots[1]!.ask({ question: 'c1', surface: 'discord', user: 'UC' })).kind, 'busy');
  answerer.releaseAll();
  assert.equal((await a1).kind, 'answered');
  assert.equal((await b1).kind, 'answered');
  await until(() => answerer.held === 1, 'a2 on a worker once a1 ended');
  answerer.releaseAll();
  assert.equal((await a2).kind, 'answered');
  assert.equal(answerer.maxPerUser, 1, 'never two of one user on the workers');
  assert.equal((await bots[0]!.ask({ question: 'c2', surface: 'discord', user: 'UC' })).kind, 'answered', 'room again');
});

test('a bots process that died frees its slots when its leases run out', async () => {
  const client = new Redis(redis.url);
  const limits = new Admission(client, { queueSize: 2, perUserConcurrency: 1, leaseMs: 300 }, 'test:lease');
  assert.equal(await limits.admit('q1', 'slack:UZ'), 'go');
  assert.equal(await limits.admit('q2', 'slack:UZ'), 'wait');
  assert.equal(await limits.admit('q3', 'slack:UY'), 'full');
  await new Promise((r) => setTimeout(r, 400)); // nobody renewed q1 and q2
  assert.equal(await limits.admit('q3', 'slack:UZ'), 'go');
  client.disconnect();
});

test('with Redis down a new question is told to wait at once; after it returns questions are answered again', async () => {
  const waiting = bots[0]!.ask({ question: 'hold across the restart', surface: 'slack', user: 'UR' });
  await until(() => answerer.held === 1, 'a question on a worker');
  const restarting = redis.restart({ hard: true, downMs: 2000 });
  await new Promise((r) => setTimeout(r, 300));
  const asked = Date.now();
  assert.equal((await bots[1]!.ask({ question: 'while down', surface: 'slack', user: 'UQ' })).kind, 'busy');
  assert.ok(Date.now() - asked < 2500, `told within ${Date.now() - asked} ms`);
  await restarting;
  answerer.releaseAll();
  assert.equal((await waiting).kind, 'answered', 'a question queued before the restart is answered after it');
  assert.equal((await bots[1]!.ask({ question: 'after', surface: 'slack', user: 'UQ' })).kind, 'answered');
});
