// Scale-out: questions/s and p50/p95 latency with 1 and then 2 `serve --role worker` processes
// (the tiny model, one llama.cpp thread each, `queue.concurrency` 1) behind the BullMQ queue, all
// questions sent at once through the bots' Redis dispatcher. Redis: REDIS_URL or --redis URL, else
// a redis-server of its own on a free port (tests/services.ts, as bench:bots uses tests' fixtures).
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { percentile } from '../admin/index.ts';
import { loadConfig, repoRoot } from '../config/index.ts';
import { connectDispatcher } from '../queue/index.ts';
import { tinyConfigFile } from '../tests/bots/fixtures/tiny-config.ts';
import { startRedis } from '../tests/services.ts';

const QUESTIONS = Number(process.env.BENCH_QUESTIONS ?? 8);
const arg = process.argv.indexOf('--redis');
const own = arg < 0 && !process.env.REDIS_URL ? await startRedis() : undefined;
const url = own?.url ?? (arg >= 0 ? process.argv[arg + 1]! : process.env.REDIS_URL!);
const file = tinyConfigFile({ queue: { url, concurrency: 1 }, bots: { queueSize: 4 * QUESTIONS, perUserConcurrency: 1 } });
const config = loadConfig({ file, env: {} });

function worker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', '--config', file, 'serve', '--role', 'worker'], {
    cwd: repoRoot, env: { ...process.env, UNDERSTUDY_ENGINE_THREADS: '1' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      log += c.toString();
      if (log.includes('worker: answering questions from')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`a worker exited with ${code}: ${log.slice(-1000)}`)));
  });
}

const quiet = { info: () => {}, error: (m: string, d?: unknown) => console.error(m, d ?? '') };
const rows: { workers: number; perSecond: number; p50: number; p95: number; answered: number }[] = [];

for (const n of [1, 2]) {
  const workers = await Promise.all(Array.from({ length: n }, worker));
  const bots = await connectDispatcher(config, quiet);
  // One question per worker first, so no measured one pays a cold start.
  await Promise.all(workers.map((_, i) => bots.ask({ question: `Warm-up ${i}: what is 1 + ${i}?`, surface: 'console', user: `warm${i}` })));
  const start = performance.now();
  const latencies = await Promise.all(
    Array.from({ length: QUESTIONS }, async (_, i) => {
      const o = await bots.ask({ question: `What is ${i + 2} times ${i + 3}?`, surface: 'console', user: `u${i}` });
      return o.kind === 'answered' ? (performance.now() - start) / 1000 : NaN;
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const ok = latencies.filter((l) => !Number.isNaN(l));
  rows.push({ workers: n, perSecond: ok.length / elapsed, p50: percentile(ok, 50) ?? NaN, p95: percentile(ok, 95) ?? NaN, answered: ok.length });
  await bots.close();
  for (const w of workers) {
    const exited = new Promise((r) => w.once('exit', r));
    w.kill('SIGTERM');
    await exited;
  }
}
await own?.stop();

console.log(`scale-out: ${QUESTIONS} questions sent at once, tiny model, 1 llama.cpp thread and 1 question at a time per worker; ${cpus().length} CPUs (${cpus()[0]?.model.trim()})`);
console.log('| workers | answered | questions/s | p50 s | p95 s |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.workers} | ${r.answered}/${QUESTIONS} | ${r.perSecond.toFixed(3)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} |`);
console.log(`2 workers / 1 worker, questions/s: ${(rows[1]!.perSecond / rows[0]!.perSecond).toFixed(2)}×`);
process.exitCode = rows.every((r) => r.answered === QUESTIONS) ? 0 : 1;
