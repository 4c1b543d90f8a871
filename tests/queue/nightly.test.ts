import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { Queue } from 'bullmq';
import { loadConfig, repoRoot, type Config } from '../../config/index.ts';
import { NIGHTLY_QUEUE, startNightly } from '../../queue/nightly.ts';
import { startRedis, type RedisServer } from '../services.ts';

let redis: RedisServer;
before(async () => {
  redis = await startRedis();
});
after(() => redis.stop());

/** A config on a Redis database of its own (each test starts from an empty queue). */
function clusterConfig(db: number): Config {
  return loadConfig({ env: {}, overrides: { 'queue.url': `${redis.url}/${db}`, 'queue.lockMs': 1000, 'distill.schedule': '0 3 * * *' } });
}

/** Makes the scheduler's pending tick due now, as if it were 03:00. */
async function tickNow(queue: Queue): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const [job] = await queue.getDelayed();
    if (job) return job.promote();
    assert.ok(Date.now() < deadline, 'the scheduler has no pending tick');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const until = async (what: string, cond: () => boolean | Promise<boolean>, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

test('two hosts share one schedule; each tick runs once, runs never overlap, and a run longer than the lock is not handed over', async () => {
  const config = clusterConfig(1);
  const queue = new Queue(NIGHTLY_QUEUE, { connection: { url: config.queue.url! } });
  const runs: { host: string; start: number; end: number }[] = [];
  const host = (name: string) => startNightly(config, async () => {
    const run = { host: name, start: Date.now(), end: 0 };
    runs.push(run);
    await new Promise((r) => setTimeout(r, 2500)); // 2.5 lock periods: only lock renewal keeps it
    run.end = Date.now();
    return `run ${runs.length} on ${name}`;
  }, () => {});
  const [a, b] = await Promise.all([host('a'), host('b')]);
  try {
    assert.equal(await queue.getJobSchedulersCount(), 1);
    assert.equal((await queue.getJobScheduler('distill'))?.pattern, '0 3 * * *');
    assert.equal(await queue.getDelayedCount(), 1, 'one pending tick, not one per host');

    await tickNow(queue);
    await until('the first run to start', () => runs.length === 1);
    await tickNow(queue); // the next tick, due while the first run goes on
    await until('both runs to finish', async () => (await queue.getCompletedCount()) === 2, 12_000);

    assert.equal(runs.length, 2, 'each tick ran exactly once');
    assert.ok(runs[1]!.start >= runs[0]!.end, `the second run waited for the first: ${JSON.stringify(runs)}`);
    assert.equal(await queue.getFailedCount(), 0);
    assert.equal(await queue.getDelayedCount(), 1, 'the scheduler keeps one pending tick');
  } finally {
    await Promise.all([a.close(), b.close()]);
    await queue.close();
  }
});

test('a run whose process died is run again by another process, once', async () => {
  const config = clusterConfig(2);
  const queue = new Queue(NIGHTLY_QUEUE, { connection: { url: config.queue.url! } });
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/queue/fixtures/nightly-host.ts'], {
    cwd: repoRoot,
    env: { ...process.env, REDIS_URL: config.queue.url, UNDERSTUDY_QUEUE_LOCK_MS: '1000', UNDERSTUDY_DISTILL_SCHEDULE: '0 3 * * *' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const lines: string[] = [];
  let runs = 0;
  let survivor: Awaited<ReturnType<typeof startNightly>> | undefined;
  try {
    await until('the other host to join', () => out.includes('nightly: next run'), 15_000);
    await tickNow(queue);
    await until('the run to start on the other host', () => out.includes('run started'));
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;

    survivor = await startNightly(config, async () => {
      runs++;
      return 'resumed';
    }, (line) => lines.push(line));
    await until('the stalled run to be run again', async () => (await queue.getCompletedCount()) === 1);
    assert.equal(runs, 1);
    assert.ok(lines.some((l) => /running the .* run again: the process running it stopped/.test(l)), lines.join('\n'));
    assert.deepEqual((await queue.getCompleted()).map((j) => j.returnvalue), ['resumed']);
  } finally {
    child.kill('SIGKILL');
    await survivor?.close();
    await queue.close();
  }
});
